package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.AgentTokens;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code flotilla agent-token create} never silently replaces a cluster's token: without {@code
 * --rotate} it is refused and the running agent keeps working; with it, the old token stays valid
 * for the grace period (and not after it), the new one works at once.
 */
class AgentTokenRotationIT {
  private static Path dir;
  private static HubServer hub;
  private static Path kubeconfig;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("flotilla-agent-token");
    hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    kubeconfig = hub.writeKubeconfig(List.of());
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run flotilla(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int exit = new CommandLine(new FlotillaCommand()).execute(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static String create(String cluster, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("agent-token", "create", cluster, "--hub-kubeconfig", kubeconfig.toString()));
    args.addAll(List.of(more));
    Run r = flotilla(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r.toString());
    return r.out().trim();
  }

  /** Whether {@code token} still authenticates, as the agent would use it. */
  private static boolean works(String token) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(hub.url())
            .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
            .withOauthToken(token)
            .build();
    try (KubernetesClient agent = new KubernetesClientBuilder().withConfig(config).build()) {
      agent.namespaces().withName("karmada-es-member1").get();
      return true;
    } catch (KubernetesClientException e) {
      assertEquals(401, e.getCode(), e.getMessage());
      return false;
    }
  }

  @Test
  void aSecondCreateIsRefusedAndRotationKeepsTheOldTokenForTheGracePeriod() throws Exception {
    String first = create("member1");
    assertTrue(works(first));

    Run again =
        flotilla("agent-token", "create", "member1", "--hub-kubeconfig", kubeconfig.toString());
    assertEquals(1, again.exit(), again.toString());
    assertTrue(again.err().contains("already has an agent token"), again.err());
    assertTrue(again.err().contains("--rotate"), again.err());
    assertTrue(works(first), "a refused create leaves the running agent's token alone");

    String second = create("member1", "--rotate");
    assertNotEquals(first, second);
    assertTrue(works(second));
    assertTrue(works(first), "the replaced token holds for the default grace period");

    // Once the grace period is over (here: moved into the past), the replaced token is refused.
    try (KubernetesClient admin = E2ESupport.adminClient(hub)) {
      admin
          .secrets()
          .inNamespace(AgentTokens.NAMESPACE)
          .withName(AgentTokens.SECRET_PREFIX + "member1")
          .edit(
              (Secret s) -> {
                s.getData()
                    .put(
                        AgentTokens.PREVIOUS_EXPIRES_KEY,
                        Base64.getEncoder()
                            .encodeToString(
                                Instant.now()
                                    .minusSeconds(1)
                                    .toString()
                                    .getBytes(StandardCharsets.UTF_8)));
                return s;
              });
    }
    assertTrue(!works(first), "expired");
    assertTrue(works(second));

    String third = create("member1", "--rotate", "--grace-period", "0s");
    assertTrue(works(third));
    assertTrue(!works(second), "a zero grace period cuts the old token off at once");

    Run revoke =
        flotilla("agent-token", "revoke", "member1", "--hub-kubeconfig", kubeconfig.toString());
    assertEquals(0, revoke.exit(), revoke.toString());
    assertTrue(!works(third));
  }
}
