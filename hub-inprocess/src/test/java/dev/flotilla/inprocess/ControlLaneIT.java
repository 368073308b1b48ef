package dev.flotilla.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API workers' control-plane lane is the hub's controllers' alone: an agent's writes wait in
 * the ordinary lane whether it comes over HTTPS or in process, and whatever it claims in headers;
 * the controllers' in-process requests take the control lane. Read from the hub's own per-lane task
 * counters ({@code /metrics}); nothing else in this hub makes requests as the controllers.
 */
class ControlLaneIT {
  private static final String NS = "karmada-es-member1";
  private static final ResourceDefinitionContext WORKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("work.karmada.io")
          .withVersion("v1alpha1")
          .withKind("Work")
          .withPlural("works")
          .withNamespaced(true)
          .build();

  private static HubServer hub;
  private static KubernetesClient admin;
  private static KubernetesClient agentHttps;
  private static KubernetesClient agentInProcess;
  private static KubernetesClient controllers;
  private static InProcessHttpClientFactory factory;

  @BeforeAll
  static void start() throws Exception {
    hub = HubServer.create(HubConfig.of(Files.createTempDirectory("flotilla-lane"), 0)).start();
    admin = https(hub.authenticator().adminToken());
    admin
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    admin
        .secrets()
        .inNamespace(AgentTokens.NAMESPACE)
        .resource(Json.MAPPER.treeToValue(AgentTokens.secretFor("member1", "t1"), Secret.class))
        .create();
    admin
        .genericKubernetesResources(WORKS)
        .inNamespace(NS)
        .resource(
            generic(
                "{'apiVersion':'work.karmada.io/v1alpha1','kind':'Work','metadata':{'name':'w'},"
                    + "'spec':{'workload':{'manifests':[{'apiVersion':'v1','kind':'ConfigMap',"
                    + "'metadata':{'name':'c','namespace':'shop'},'data':{'k':'v'}}]}}}"))
        .create();
    agentHttps = https("t1");
    factory = new InProcessHttpClientFactory(hub::serveInProcess);
    agentInProcess = inProcess(factory, "t1");
    controllers = inProcess(factory, ControllerIdentity.issue(hub));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c :
        new AutoCloseable[] {controllers, agentInProcess, agentHttps, admin, hub}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // shutting down
      }
    }
  }

  @Test
  void anAgentsWritesOverHttpsWaitInTheOrdinaryLane() {
    assertOrdinary(agentHttps);
  }

  @Test
  void anAgentsWritesInProcessWaitInTheOrdinaryLane() {
    assertOrdinary(agentInProcess);
  }

  /** The agent's three requests (a read, a status write, an Event) add ordinary tasks only. */
  private static void assertOrdinary(KubernetesClient agent) {
    long[] scrapesAlone = lanesMovedBy(client -> {}, agent);
    long[] moved = lanesMovedBy(ControlLaneIT::agentWrites, agent);
    assertEquals(0, moved[0], "control-lane tasks");
    assertTrue(
        moved[1] >= scrapesAlone[1] + 3,
        "ordinary-lane tasks: " + moved[1] + ", the scrapes' own " + scrapesAlone[1]);
  }

  @Test
  void anAgentAskingToImpersonateTheControllersIsRefusedOutsideTheLane() {
    for (KubernetesClient agent : new KubernetesClient[] {agentHttps, agentInProcess}) {
      Config asControllers =
          new ConfigBuilder(agent.getConfiguration())
              .withImpersonateUsername(BootstrapPolicy.CONTROLLER_MANAGER)
              .withImpersonateGroups(BootstrapPolicy.CONTROLLER_MANAGER_GROUP)
              .build();
      KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(asControllers);
      if (agent == agentInProcess) {
        builder.withHttpClientFactory(factory);
      }
      try (KubernetesClient claiming = builder.build()) {
        long[] moved =
            lanesMovedBy(
                client -> {
                  KubernetesClientException e =
                      assertThrows(
                          KubernetesClientException.class,
                          () -> client.configMaps().inNamespace(NS).list());
                  assertEquals(403, e.getCode(), e.getMessage());
                },
                claiming);
        assertEquals(0, moved[0], "control-lane tasks");
      }
    }
  }

  @Test
  void theControllersRequestsInProcessTakeTheControlLane() {
    long[] moved =
        lanesMovedBy(
            client ->
                client
                    .configMaps()
                    .inNamespace(NS)
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("cm")
                            .endMetadata()
                            .build())
                    .createOr(c -> c.update()),
            controllers);
    assertTrue(moved[0] > 0, "control-lane tasks: " + moved[0]);
  }

  /** What Karmada's pull-mode agent writes on the hub: its Work's status and an Event. */
  private static void agentWrites(KubernetesClient agent) {
    ObjectNode work =
        Json.MAPPER.convertValue(
            agent.genericKubernetesResources(WORKS).inNamespace(NS).withName("w").get(),
            ObjectNode.class);
    work.putObject("status")
        .putArray("conditions")
        .addObject()
        .put("type", "Applied")
        .put("status", "True")
        .put("reason", "AppliedSuccessful")
        .put("message", "")
        .put("lastTransitionTime", "2024-01-01T00:00:00Z");
    agent
        .genericKubernetesResources(WORKS)
        .inNamespace(NS)
        .resource(Json.MAPPER.convertValue(work, GenericKubernetesResource.class))
        .updateStatus();
    agent
        .v1()
        .events()
        .inNamespace(NS)
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withGenerateName("applied.")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Work")
                .withName("w")
                .endInvolvedObject()
                .withReason("Applied")
                .withType("Normal")
                .build())
        .create();
  }

  /** Tasks started in the control and ordinary lanes while {@code calls} ran as {@code client}. */
  private static long[] lanesMovedBy(Consumer<KubernetesClient> calls, KubernetesClient client) {
    long control = tasks("control");
    long ordinary = tasks("ordinary");
    calls.accept(client);
    return new long[] {tasks("control") - control, tasks("ordinary") - ordinary};
  }

  private static long tasks(String lane) {
    String prefix = "flotilla_apiserver_worker_tasks_total{lane=\"" + lane + "\"";
    String metrics = admin.raw("/metrics");
    for (String line : metrics.split("\n")) {
      if (line.startsWith(prefix)) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no " + prefix + " in /metrics");
  }

  private static KubernetesClient https(String token) {
    Config config =
        new ConfigBuilder()
            .withMasterUrl(hub.url())
            .withCaCertFile(hub.certificateAuthority().caCertPath().toString())
            .withOauthToken(token)
            .withRequestTimeout(60_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static KubernetesClient inProcess(InProcessHttpClientFactory factory, String token) {
    Config config = new ConfigBuilder().withMasterUrl(hub.url()).withOauthToken(token).build();
    return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(factory).build();
  }

  private static GenericKubernetesResource generic(String singleQuoted) {
    return Json.MAPPER.convertValue(
        Json.parseObject(
            singleQuoted.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8),
            false),
        GenericKubernetesResource.class);
  }
}
