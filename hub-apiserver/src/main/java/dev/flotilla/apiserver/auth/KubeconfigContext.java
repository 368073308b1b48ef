package dev.flotilla.apiserver.auth;

/**
 * One kubeconfig entry: a cluster, a token user and a context, all derived from {@code name}
 * (cluster {@code name}, user {@code name + "-admin"}, context {@code name}).
 *
 * @param serverUrl e.g. {@code https://127.0.0.1:6443}
 * @param caPem the CA certificate PEM the server's certificate chains to, or null to use system
 *     roots
 * @param token the bearer token, or null for a user without credentials
 */
public record KubeconfigContext(String name, String serverUrl, String caPem, String token) {
  /** The hub's own entry: context "flotilla" on https://127.0.0.1:{@code port}. */
  public static KubeconfigContext flotilla(int port, String caPem, String token) {
    return new KubeconfigContext("flotilla", "https://127.0.0.1:" + port, caPem, token);
  }

  public String userName() {
    return name + "-admin";
  }
}
