package dev.flotilla.agent;

import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.policies.decoding.TolerantDecoding;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where the agent gets a client for one API server: a client the caller owns (and closes), or a
 * kubeconfig file (with an optional context) from which the agent builds a client it owns.
 *
 * @param client a ready client, or null
 * @param kubeconfig a kubeconfig file, used when {@code client} is null
 * @param context the kubeconfig context, null for the file's current context
 * @param servers hub replicas to use instead of the kubeconfig's server (empty: that server)
 */
public record ClientSource(
    KubernetesClient client, Path kubeconfig, String context, List<URI> servers) {

  public ClientSource {
    if (client == null && kubeconfig == null) {
      throw new IllegalArgumentException("a client source needs a client or a kubeconfig path");
    }
    servers = servers == null ? List.of() : List.copyOf(servers);
    if (client != null && !servers.isEmpty()) {
      throw new IllegalArgumentException("servers apply to a kubeconfig, not a ready client");
    }
  }

  public ClientSource(KubernetesClient client, Path kubeconfig, String context) {
    this(client, kubeconfig, context, List.of());
  }

  /**
   * The same kubeconfig's credentials and CA against several API servers (hub replicas), moving on
   * to the next when one cannot be reached or is not ready, and back to the first when it is ready
   * again; see {@link HubReplicas}.
   */
  public ClientSource withServers(List<URI> replicas) {
    return new ClientSource(client, kubeconfig, context, replicas);
  }

  /** A client the caller keeps owning. */
  public static ClientSource of(KubernetesClient client) {
    return new ClientSource(Objects.requireNonNull(client, "client"), null, null);
  }

  /** A kubeconfig file with its current context. */
  public static ClientSource kubeconfig(Path kubeconfig) {
    return new ClientSource(null, kubeconfig, null);
  }

  /** A kubeconfig file with a named context. */
  public static ClientSource kubeconfig(Path kubeconfig, String context) {
    return new ClientSource(null, kubeconfig, context);
  }

  /** True when the agent builds (and so must close) the client. */
  boolean ownedByAgent() {
    return client == null;
  }

  /**
   * Decoding that survives a malformed object's metadata (it is decoded in part and marked, see
   * {@link TolerantDecoding}): one bad Work must not stop the informer of every Work.
   */
  public static KubernetesSerialization tolerantSerialization() {
    return new KubernetesSerialization(TolerantDecoding.mapper(Set.of(ObjectMeta.class)), true);
  }

  /** The given client, or a new one built from the kubeconfig (decoding tolerantly). */
  KubernetesClient open() {
    if (client != null) {
      return client;
    }
    try {
      Config config =
          Config.fromKubeconfig(context, Files.readString(kubeconfig), kubeconfig.toString());
      var builder =
          Fabric8Clients.builder()
              .withConfig(config)
              .withKubernetesSerialization(tolerantSerialization());
      if (!servers.isEmpty()) {
        config.setMasterUrl(servers.get(0).toString());
        HubReplicas replicas = new HubReplicas(servers);
        builder.withHttpClientBuilderConsumer(
            http -> http.addOrReplaceInterceptor(HubReplicas.NAME, replicas));
        KubernetesClient client = builder.build();
        ReplicaProbe.start(replicas, client.getHttpClient());
        return client;
      }
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
    }
  }
}
