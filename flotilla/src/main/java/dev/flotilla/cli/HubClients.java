package dev.flotilla.cli;

import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.kube.Fabric8Clients;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** fabric8 clients for in-process components talking to a hub over its real HTTPS API. */
public final class HubClients {
  private HubClients() {}

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
