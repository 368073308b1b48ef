package dev.flotilla.agent.it;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The agent ITs' set-up, as a JUnit extension: a hub and a member API server over HTTPS with admin
 * clients, optionally the hub's execution namespace of the cluster, and optionally its agent,
 * configured with short intervals so tests see its loops turn quickly. Everything it started is
 * stopped after the class.
 */
final class AgentRig implements BeforeAllCallback, AfterAllCallback {
  private final String cluster;
  private boolean executionNamespace;
  private boolean agent;
  private final List<MemberAgent> agents = new ArrayList<>();
  private TestHub hubServer;
  private TestHub memberServer;
  private KubernetesClient hub;
  private KubernetesClient member;

  private AgentRig(String cluster) {
    this.cluster = cluster;
  }

  /** The two servers for {@code cluster}; the test creates what else it needs. */
  static AgentRig servers(String cluster) {
    return new AgentRig(cluster);
  }

  /** With the hub's {@code karmada-es-<cluster>} namespace, where the cluster's Works go. */
  AgentRig withExecutionNamespace() {
    executionNamespace = true;
    return this;
  }

  /** With the cluster's agent started (after the servers, before the class's own set-up). */
  AgentRig withAgent() {
    agent = true;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    hubServer = TestHub.start();
    memberServer = TestHub.member();
    hub = hubServer.client();
    member = memberServer.client();
    if (executionNamespace) {
      Works.ensureNamespace(hub, Names.executionNamespace(cluster));
    }
    if (agent) {
      startAgent();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    agents.forEach(MemberAgent::stop);
    if (memberServer != null) {
      memberServer.close();
    }
    if (hubServer != null) {
      hubServer.close();
    }
  }

  /** The hub as its admin. */
  KubernetesClient hub() {
    return hub;
  }

  /** The member as its admin. */
  KubernetesClient member() {
    return member;
  }

  TestHub hubServer() {
    return hubServer;
  }

  TestHub memberServer() {
    return memberServer;
  }

  /** The agent configuration of this cluster, for a test to adjust. */
  AgentConfig.Builder config() {
    return config(hubServer, memberServer, cluster);
  }

  /** Agent configurations with short intervals so tests see loops turn quickly. */
  static AgentConfig.Builder config(TestHub hub, TestHub member, String clusterName) {
    return AgentConfig.builder()
        .hub(ClientSource.of(hub.client()))
        .member(ClientSource.of(member.client()))
        .clusterName(clusterName)
        .provider("flotilla-sim")
        .region("eu-west")
        .zones(List.of("eu-west-a", "eu-west-b"))
        .labels(Map.of("env", "test"))
        .renewInterval(Duration.ofMillis(500))
        .statusInterval(Duration.ofMillis(500))
        .resyncPeriod(Duration.ofSeconds(30));
  }

  /** Starts an agent of this cluster as {@link #config()} configures it. */
  MemberAgent startAgent() {
    return startAgent(config().build());
  }

  /** Starts an agent with {@code config}; it is stopped after the class if the test did not. */
  MemberAgent startAgent(AgentConfig config) {
    MemberAgent started = new MemberAgent(config).start();
    agents.add(started);
    return started;
  }
}
