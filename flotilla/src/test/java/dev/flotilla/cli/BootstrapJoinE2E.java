package dev.flotilla.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.agent.join.BootstrapJoin;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import dev.flotilla.controller.ControllerManager;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.fixtures.Await;
import dev.flotilla.sim.SimulatedFleet;
import dev.flotilla.sim.SimulatedMember;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import picocli.CommandLine;

/**
 * An agent joins as {@code karmadactl register} does: {@code flotilla token create
 * --print-register-command} prints the command, the agent pins the hub's CA, posts a CSR with the
 * bootstrap token, Karmada's agent CSR approver approves it, the hub signs it, and the agent runs
 * on the issued certificate until its Cluster is Ready; that certificate reaches only what an agent
 * may, and the token itself only the CSR API.
 */
class BootstrapJoinE2E {
  private static Path dir;
  private static HubServer hub;
  private static Path kubeconfig;
  private static SimulatedFleet members;
  private static ControllerManager controllers;
  private static KubernetesClient admin;
  private static final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("flotilla-join");
    hub = HubServer.create(HubConfig.of(dir.resolve("hub"), 0)).start();
    kubeconfig = hub.writeKubeconfig(List.of());
    admin = E2ESupport.adminClient(hub);
    members = SimulatedFleet.start(dir.resolve("members"), 1);
    KubernetesClient controllerClient = E2ESupport.controllerClient(hub);
    closeables.add(controllerClient);
    controllers = new ControllerManager(controllerClient, "join-e2e").start();
  }

  @AfterAll
  static void stop() {
    java.util.Collections.reverse(closeables);
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
    if (controllers != null) {
      controllers.close();
    }
    if (members != null) {
      members.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (hub != null) {
      hub.close();
    }
  }

  private static String flotilla(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, new CommandLine(new FlotillaCommand()).execute(args));
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8).trim();
  }

  private static KubernetesClient client(Config config) {
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config).build();
    closeables.add(c);
    return c;
  }

  @Test
  void anAgentJoinsWithABootstrapTokenAndGetsOnlyAgentScope() throws Exception {
    String command =
        flotilla(
            "token",
            "create",
            "--print-register-command",
            "--hub-kubeconfig",
            kubeconfig.toString());
    assertTrue(command.startsWith("flotilla agent --hub-endpoint 127.0.0.1:"), command);
    String token = command.split(" --token ")[1].split(" ")[0];

    // The bootstrap token reaches the CSR API and nothing else.
    KubernetesClient bootstrap =
        client(
            new ConfigBuilder(Config.empty())
                .withMasterUrl(hub.url())
                .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
                .withOauthToken(token)
                .build());
    String id = token.substring(0, 6);
    assertForbidden(
        "secrets is forbidden: User \"system:bootstrap:"
            + id
            + "\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"",
        () -> bootstrap.secrets().inNamespace("default").list());
    bootstrap.certificates().v1().certificateSigningRequests().list();

    SimulatedMember member = members.members().get(0);
    Path memberKubeconfig = dir.resolve("member.kubeconfig");
    KubeconfigWriter.write(
        memberKubeconfig, List.of(member.kubeconfigContext()), member.kubeconfigContext().name());
    Path agentKubeconfig = dir.resolve("agent").resolve("hub.kubeconfig");
    String[] args =
        command
            .substring("flotilla ".length())
            .replace("<AGENT_HUB_KUBECONFIG>", agentKubeconfig.toString())
            .replace("<MEMBER_KUBECONFIG>", memberKubeconfig.toString())
            .replace("<CLUSTER_NAME>", member.name())
            .split(" ");
    CommandLine cli = new CommandLine(new FlotillaCommand());
    AgentCommand agentCommand =
        (AgentCommand) cli.parseArgs(args).subcommand().commandSpec().userObject();
    assertTrue(agentCommand.joinIfAsked());
    MemberAgent agent = new MemberAgent(agentCommand.config()).start();
    closeables.add(agent);
    Await.until(
        "Cluster " + member.name() + " Ready",
        () -> {
          var c = admin.genericKubernetesResources(Kinds.CLUSTER).withName(member.name()).get();
          JsonNode json =
              c == null ? null : admin.getKubernetesSerialization().convertValue(c, JsonNode.class);
          if (json == null) {
            return null;
          }
          for (JsonNode cond : json.path("status").path("conditions")) {
            if ("Ready".equals(cond.path("type").asText())
                && "True".equals(cond.path("status").asText())) {
              return true;
            }
          }
          return null;
        });
    var csrs = admin.certificates().v1().certificateSigningRequests().list().getItems();
    assertEquals(1, csrs.size());
    assertEquals("AutoApproved", csrs.get(0).getStatus().getConditions().get(0).getReason());
    assertEquals("system:bootstrap:" + id, csrs.get(0).getSpec().getUsername());

    // The issued certificate is the agent of its own cluster, nothing more.
    KubernetesClient asAgent =
        client(
            Config.fromKubeconfig(
                null, Files.readString(agentKubeconfig), agentKubeconfig.toString()));
    JsonNode who =
        admin
            .getKubernetesSerialization()
            .convertValue(
                asAgent
                    .resource(
                        new io.fabric8.kubernetes.api.model.authentication
                                .SelfSubjectReviewBuilder()
                            .build())
                    .create(),
                JsonNode.class);
    assertEquals(
        "system:karmada:agent:" + member.name(),
        who.path("status").path("userInfo").path("username").asText(),
        who::toString);
    assertForbidden(
        "secrets is forbidden: User \"system:karmada:agent:" + member.name() + "\" cannot list",
        () -> asAgent.secrets().inNamespace("default").list());
    assertForbidden(
        "cannot list resource \"works\" in API group \"work.karmada.io\" in the namespace"
            + " \"karmada-es-member9\"",
        () ->
            asAgent
                .genericKubernetesResources(Kinds.WORK)
                .inNamespace("karmada-es-member9")
                .list());

    // The same token asking again for the registered cluster is not approved automatically: a
    // token holder must not take over a running member. A request made after it (for a new
    // cluster) is approved, so the approver has passed over the first one.
    assertThrows(
        IllegalStateException.class,
        () ->
            BootstrapJoin.join(
                new BootstrapJoin.Request(
                    "127.0.0.1:" + hub.port(),
                    token,
                    List.of(command.split("--discovery-token-ca-cert-hash ")[1].split(" ")[0]),
                    member.name(),
                    3600,
                    Duration.ofSeconds(2)),
                dir.resolve("takeover.kubeconfig")));
    BootstrapJoin.join(
        new BootstrapJoin.Request(
            "127.0.0.1:" + hub.port(),
            token,
            List.of(command.split("--discovery-token-ca-cert-hash ")[1].split(" ")[0]),
            "member9",
            3600,
            Await.DEFAULT),
        dir.resolve("member9.kubeconfig"));
    var takeover =
        admin.certificates().v1().certificateSigningRequests().list().getItems().stream()
            .filter(c -> c.getMetadata().getName().startsWith(member.name() + "-"))
            .filter(c -> c.getStatus() == null || c.getStatus().getCertificate() == null)
            .toList();
    assertEquals(1, takeover.size(), "the takeover request is still pending");
    assertTrue(
        takeover.get(0).getStatus() == null
            || takeover.get(0).getStatus().getConditions().isEmpty());

    // A wrong pin is refused before the token is sent anywhere.
    IllegalStateException wrongPin =
        assertThrows(
            IllegalStateException.class,
            () ->
                BootstrapJoin.join(
                    new BootstrapJoin.Request(
                        "127.0.0.1:" + hub.port(),
                        token,
                        List.of("sha256:" + "0".repeat(64)),
                        "member7",
                        3600,
                        Duration.ofSeconds(5)),
                    dir.resolve("member7.kubeconfig")));
    assertTrue(wrongPin.getMessage().contains("presented no CA matching"), wrongPin.getMessage());
  }

  private static void assertForbidden(String message, Executable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call);
    assertEquals(403, e.getCode(), e.getMessage());
    assertTrue(e.getStatus().getMessage().contains(message), e.getStatus().getMessage());
  }
}
