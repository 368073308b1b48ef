package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The client configuration of a process running in a pod, as client-go's {@code
 * rest.InClusterConfig}: the API server at {@code KUBERNETES_SERVICE_HOST}:{@code
 * KUBERNETES_SERVICE_PORT}, trusted through the mounted {@code ca.crt}, authenticated with the
 * mounted ServiceAccount {@code token}, which is read again for every request (the kubelet rotates
 * projected tokens in place).
 */
public final class InClusterConfig {
  /** Where the kubelet mounts the pod's ServiceAccount credentials. */
  public static final Path SERVICE_ACCOUNT_DIR =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  private InClusterConfig() {}

  /** The pod's own configuration, from its environment and the standard mount. */
  public static Config load() {
    return load(System.getenv(), SERVICE_ACCOUNT_DIR);
  }

  /**
   * The configuration from {@code env} and the credentials in {@code accountDir}.
   *
   * @throws IllegalStateException saying what is missing, when this is not a pod with a token
   */
  public static Config load(Map<String, String> env, Path accountDir) {
    String host = env.getOrDefault("KUBERNETES_SERVICE_HOST", "");
    String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "");
    if (host.isEmpty() || port.isEmpty()) {
      throw new IllegalStateException(
          "no --member-kubeconfig and not in a pod: KUBERNETES_SERVICE_HOST and"
              + " KUBERNETES_SERVICE_PORT are not set");
    }
    Path token = accountDir.resolve("token");
    Path ca = accountDir.resolve("ca.crt");
    for (Path p : new Path[] {token, ca}) {
      if (!Files.isReadable(p)) {
        throw new IllegalStateException(
            "no --member-kubeconfig and no ServiceAccount credentials at "
                + p
                + " (is automountServiceAccountToken false?)");
      }
    }
    // An IPv6 address goes in brackets, as client-go's net.JoinHostPort does.
    String authority = host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    Path namespace = accountDir.resolve("namespace");
    ConfigBuilder config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl("https://" + authority)
            .withCaCertFile(ca.toString())
            .withOauthTokenProvider(reading(token))
            .withRequestTimeout(30_000);
    if (Files.isReadable(namespace)) {
      config.withNamespace(read(namespace));
    }
    return config.build();
  }

  private static OAuthTokenProvider reading(Path token) {
    return () -> read(token);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
