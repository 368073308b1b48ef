package dev.flotilla.agent.it;

import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.ClientSource;
import dev.flotilla.agent.MemberAgent;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Agent configurations with short intervals so tests see loops turn quickly. */
final class AgentFixture {
  private AgentFixture() {}

  static AgentConfig.Builder config(TestServer hub, TestServer member, String clusterName) {
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

  static MemberAgent start(TestServer hub, TestServer member, String clusterName) {
    return new MemberAgent(config(hub, member, clusterName).build()).start();
  }
}
