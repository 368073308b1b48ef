package dev.flotilla.cli;

import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Test-only access to the launcher's package-private wiring, so end-to-end tests build their fleet
 * exactly as {@code flotilla hub --sim-members N} does (see {@link SimulatedMembers}).
 */
public final class E2ESupport {
  private E2ESupport() {}

  /** The hub admin client over HTTPS. */
  public static KubernetesClient adminClient(HubServer hub) {
    return HubClients.admin(hub);
  }

  /** The in-process client the launcher gives its controllers. */
  public static KubernetesClient controllerClient(HubServer hub) {
    return HubClients.controllers(hub);
  }

  /** A fresh agent token for {@code cluster}, issued as the launcher issues it. */
  public static String issueAgentToken(KubernetesClient hubAdmin, String cluster) throws Exception {
    return AgentCredentials.issue(hubAdmin, cluster);
  }
}
