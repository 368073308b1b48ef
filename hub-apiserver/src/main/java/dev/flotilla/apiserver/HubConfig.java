package dev.flotilla.apiserver;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a hub API server needs to start.
 *
 * @param dataDir where the store, PKI, tokens and kubeconfig live
 * @param host bind address
 * @param port HTTPS port, 0 for an ephemeral one
 * @param tokenAuthFile optional kube-style token CSV with more users
 * @param extraSans extra DNS names or IPs for the serving certificate
 * @param installFlotillaCrds install Flotilla's own CRDs at startup (false for plain members)
 */
public record HubConfig(
    Path dataDir,
    String host,
    int port,
    Optional<Path> tokenAuthFile,
    List<String> extraSans,
    boolean installFlotillaCrds) {

  public static HubConfig of(Path dataDir, int port) {
    return new HubConfig(dataDir, "127.0.0.1", port, Optional.empty(), List.of(), true);
  }
}
