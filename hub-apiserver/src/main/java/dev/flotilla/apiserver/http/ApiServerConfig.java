package dev.flotilla.apiserver.http;

import java.nio.file.Path;

/**
 * How the API server listens.
 *
 * @param host address to bind, 127.0.0.1 by default
 * @param port TCP port, 0 for an ephemeral one
 * @param certPath PEM serving certificate
 * @param keyPath PEM private key of the serving certificate
 * @param maxBodyBytes larger request bodies get 413 (kube-apiserver: 3 MiB)
 * @param clientCaPath PEM CA whose client certificates are accepted (kube-apiserver's {@code
 *     --client-ca-file}), or null for none
 * @param connections timeouts and the unauthenticated connection cap
 * @param http2 also offer HTTP/2 (ALPN {@code h2}), as kube-apiserver does: a client's watches and
 *     requests then share one connection
 */
public record ApiServerConfig(
    String host,
    int port,
    Path certPath,
    Path keyPath,
    int maxBodyBytes,
    Path clientCaPath,
    ConnectionLimits connections,
    boolean http2) {
  public static final int DEFAULT_MAX_BODY = 3 * 1024 * 1024;

  /** With the default connection limits, HTTP/1.1 only. */
  public ApiServerConfig(
      String host, int port, Path certPath, Path keyPath, int maxBodyBytes, Path clientCaPath) {
    this(
        host, port, certPath, keyPath, maxBodyBytes, clientCaPath, ConnectionLimits.DEFAULT, false);
  }

  /** Without client certificates. */
  public ApiServerConfig(String host, int port, Path certPath, Path keyPath, int maxBodyBytes) {
    this(host, port, certPath, keyPath, maxBodyBytes, null);
  }
}
