package dev.flotilla.apiserver;

import dev.flotilla.apiserver.audit.AuditOptions;
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
 * @param security audit logging and encryption at rest
 * @param connections connection timeouts and the unauthenticated connection cap
 */
public record HubConfig(
    Path dataDir,
    String host,
    int port,
    Optional<Path> tokenAuthFile,
    List<String> extraSans,
    boolean installFlotillaCrds,
    Security security,
    dev.flotilla.apiserver.http.ConnectionLimits connections) {

  /**
   * kube-apiserver's audit and encryption-at-rest settings.
   *
   * @param audit {@code --audit-log-path} and its companions, if auditing
   * @param encryptionProviderConfig {@code --encryption-provider-config}, if encrypting at rest
   * @param anonymousAuth {@code --anonymous-auth}: a request without credentials is {@code
   *     system:anonymous} in {@code system:unauthenticated} (RBAC decides), rather than a 401
   */
  public record Security(
      Optional<AuditOptions> audit,
      Optional<Path> encryptionProviderConfig,
      boolean anonymousAuth) {
    public static final Security NONE = new Security(Optional.empty(), Optional.empty());

    /** Without anonymous requests, the hub's default. */
    public Security(Optional<AuditOptions> audit, Optional<Path> encryptionProviderConfig) {
      this(audit, encryptionProviderConfig, false);
    }
  }

  public HubConfig(
      Path dataDir,
      String host,
      int port,
      Optional<Path> tokenAuthFile,
      List<String> extraSans,
      boolean installFlotillaCrds) {
    this(dataDir, host, port, tokenAuthFile, extraSans, installFlotillaCrds, Security.NONE);
  }

  public HubConfig(
      Path dataDir,
      String host,
      int port,
      Optional<Path> tokenAuthFile,
      List<String> extraSans,
      boolean installFlotillaCrds,
      Security security) {
    this(
        dataDir,
        host,
        port,
        tokenAuthFile,
        extraSans,
        installFlotillaCrds,
        security,
        dev.flotilla.apiserver.http.ConnectionLimits.DEFAULT);
  }

  public static HubConfig of(Path dataDir, int port) {
    return new HubConfig(dataDir, "127.0.0.1", port, Optional.empty(), List.of(), true);
  }

  /** This configuration with {@code security}. */
  public HubConfig withSecurity(Security security) {
    return new HubConfig(
        dataDir, host, port, tokenAuthFile, extraSans, installFlotillaCrds, security, connections);
  }

  /** This configuration with {@code connections} (timeouts, unauthenticated cap). */
  public HubConfig withConnections(dev.flotilla.apiserver.http.ConnectionLimits connections) {
    return new HubConfig(
        dataDir, host, port, tokenAuthFile, extraSans, installFlotillaCrds, security, connections);
  }
}
