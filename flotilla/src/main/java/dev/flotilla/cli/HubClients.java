package dev.flotilla.cli;

import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.inprocess.ControllerIdentity;
import dev.flotilla.inprocess.InProcessHttpClientFactory;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** fabric8 clients for components in the hub's process: its controllers, and admin over HTTPS. */
public final class HubClients {
  private HubClients() {}

  /**
   * A client for the hub's own controllers that reaches the API server in process (no socket, no
   * TLS; see {@code dev.flotilla.inprocess}), authenticated with a token made for this process
   * alone as {@link ControllerIdentity#USER}, whom RBAC authorizes like any user.
   */
  public static KubernetesClient controllers(HubServer hub) {
    return inProcess(hub, ControllerIdentity.issue(hub));
  }

  /** A client in process that authenticates with {@code token} (any identity the hub knows). */
  public static KubernetesClient inProcess(HubServer hub, String token) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withOauthToken(token)
            .withRequestTimeout(30_000)
            // fabric8's default, WebSocket watches: in process each event reaches the informer as
            // one message (the HTTP watch splits its stream into lines a character at a time).
            .build();
    return Fabric8Clients.builder()
        .withConfig(config)
        .withHttpClientFactory(new InProcessHttpClientFactory(hub::serveInProcess))
        .withKubernetesSerialization(ClientSource.tolerantSerialization())
        .build();
  }

  /** The admin over the hub's real HTTPS API. */
  public static KubernetesClient admin(HubServer hub) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
            .withOauthToken(hub.authenticator().adminToken())
            .withRequestTimeout(30_000)
            .build();
    // Tolerant decoding: the in-process agents of simulated members inform on this client, and
    // one Work they cannot decode must not stop them (see ClientSource).
    return Fabric8Clients.builder()
        .withConfig(config)
        .withKubernetesSerialization(ClientSource.tolerantSerialization())
        .build();
  }
}
