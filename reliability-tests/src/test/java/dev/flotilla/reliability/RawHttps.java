package dev.flotilla.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTP/1.1 over TLS written byte for byte: the fuzz needs request lines no URI class accepts
 * ({@code ?a=%zz}, {@code //}), and the watch test needs to cut a connection from its own side.
 */
final class RawHttps {
  /** A response; {@code status} -1 when none came within the deadline (a hang). */
  record Response(int status, String head, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final int port;
  private final String token;
  private final SSLContext tls;

  RawHttps(int port, Path caFile, String token) throws Exception {
    this.port = port;
    this.token = token;
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trust.setCertificateEntry(
          "hub", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
  }

  /** For a hub started with a data directory: its CA and admin token. */
  static RawHttps forHub(int port, Path dataDir) throws Exception {
    return new RawHttps(
        port,
        dataDir.resolve("pki/ca.crt"),
        Files.readString(dataDir.resolve("admin.token")).trim());
  }

  Response send(String method, String target, String contentType, byte[] body, Duration deadline)
      throws IOException {
    long end = System.nanoTime() + deadline.toNanos();
    try (SSLSocket socket = open()) {
      socket.setSoTimeout((int) deadline.toMillis());
      try {
        write(socket.getOutputStream(), method, target, contentType, body, true);
      } catch (SocketTimeoutException e) {
        return new Response(-1, "", new byte[0]); // the TLS handshake took the whole deadline
      } catch (java.net.SocketException e) {
        // The server may answer (414, 413) and close before reading all we send: read that answer.
      }
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[16384];
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          all.write(buf, 0, n);
          long left = (end - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            return new Response(-1, "", all.toByteArray());
          }
          socket.setSoTimeout((int) left);
        }
      } catch (SocketTimeoutException e) {
        return new Response(-1, "", all.toByteArray());
      } catch (java.net.SocketException e) {
        // reset after the answer: what arrived is parsed below
      }
      return parse(all.toByteArray());
    }
  }

  /** GET for JSON, failing on anything but 200. */
  String get(String target) throws IOException {
    Response r = send("GET", target, null, null, Duration.ofSeconds(60));
    if (r.status() != 200) {
      throw new IOException("GET " + target + ": " + r.status() + " " + r.text());
    }
    return r.text();
  }

  /** Opens a streaming request (a watch); the caller reads the chunked body and closes it. */
  SSLSocket stream(String target) throws IOException {
    SSLSocket socket = open();
    write(socket.getOutputStream(), "GET", target, null, null, false);
    return socket;
  }

  private SSLSocket open() throws IOException {
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(60_000);
    return socket;
  }

  private void write(
      OutputStream out, String method, String target, String type, byte[] body, boolean close)
      throws IOException {
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(target)
            .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
            .append(port)
            .append("\r\nAuthorization: Bearer ")
            .append(token)
            .append("\r\nAccept: application/json\r\n");
    if (close) {
      head.append("Connection: close\r\n");
    }
    if (type != null) {
      head.append("Content-Type: ").append(type).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      out.write(body);
    }
    out.flush();
  }

  private static Response parse(byte[] raw) {
    String all = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = all.indexOf("\r\n\r\n");
    if (!all.startsWith("HTTP/1.") || headEnd < 0) {
      return new Response(0, all, new byte[0]); // the server closed without an answer
    }
    int status = Integer.parseInt(all.substring(9, 12));
    String head = all.substring(0, headEnd);
    byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = Chunked.decode(body);
    }
    return new Response(status, head, body);
  }
}
