package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.MemberAgent;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registration, lease heartbeat and Cluster status against real hub and member servers. */
class RegistrationIT {
  private static final String CLUSTER = "member-reg";
  private static final String MICRO_TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";

  @RegisterExtension static final AgentRig rig = AgentRig.servers(CLUSTER);

  private static MemberAgent agent;

  @BeforeAll
  static void start() {
    adminPrepares();
    memberHasNodesAndPods();
    agent = rig.startAgent();
  }

  /** An admin pre-creates the Cluster with a taint and a label the agent must keep. */
  private static void adminPrepares() {
    ObjectNode cluster = Json.object();
    cluster.put("apiVersion", "cluster.karmada.io/v1alpha1");
    cluster.put("kind", "Cluster");
    Json.metadata(cluster).put("name", CLUSTER);
    Json.metadata(cluster).putObject("labels").put("team", "payments");
    ObjectNode spec = cluster.putObject("spec");
    spec.put("syncMode", "Pull");
    ObjectNode taint = spec.putArray("taints").addObject();
    taint.put("key", "maintenance");
    taint.put("effect", "NoSchedule");
    rig.hub()
        .genericKubernetesResources(HubResources.CLUSTERS)
        .resource(Json.generic(cluster))
        .create();
  }

  private static void memberHasNodesAndPods() {
    for (int i = 0; i < 2; i++) {
      boolean ready = i == 0;
      rig.member()
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("node-" + i)
                  .endMetadata()
                  .withNewStatus()
                  .addToAllocatable("cpu", new Quantity("4"))
                  .addToAllocatable("memory", new Quantity("8Gi"))
                  .addToAllocatable("pods", new Quantity("110"))
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus(ready ? "True" : "False")
                  .endCondition()
                  .endStatus()
                  .build())
          .create();
    }
    Works.ensureNamespace(rig.member(), "apps");
    rig.member().pods().inNamespace("apps").resource(pod("running", "node-0", "Running")).create();
    rig.member().pods().inNamespace("apps").resource(pod("pending", null, "Pending")).create();
    rig.member().pods().inNamespace("apps").resource(pod("done", "node-0", "Succeeded")).create();
  }

  private static io.fabric8.kubernetes.api.model.Pod pod(String name, String node, String phase) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("main")
        .withImage("busybox")
        .withNewResources()
        .addToRequests("cpu", new Quantity("500m"))
        .addToRequests("memory", new Quantity("1Gi"))
        .endResources()
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  private static ObjectNode cluster() {
    GenericKubernetesResource c =
        rig.hub().genericKubernetesResources(HubResources.CLUSTERS).withName(CLUSTER).get();
    return c == null ? null : Json.tree(c);
  }

  @Test
  void registersThePullClusterWithoutClobberingAdminFields() {
    String kubeSystemUid =
        rig.member().namespaces().withName("kube-system").get().getMetadata().getUid();
    ObjectNode cluster =
        Await.until(
            "Cluster registered",
            RegistrationIT::cluster,
            c -> c != null && kubeSystemUid.equals(c.path("spec").path("id").asText()));
    JsonNode spec = cluster.path("spec");
    assertEquals("Pull", spec.path("syncMode").asText());
    assertEquals(rig.memberServer().url() + "/", spec.path("apiEndpoint").asText());
    assertEquals("flotilla-sim", spec.path("provider").asText());
    assertEquals("eu-west", spec.path("region").asText());
    assertEquals("[\"eu-west-a\",\"eu-west-b\"]", spec.path("zones").toString());
    assertEquals(
        "maintenance",
        spec.path("taints").get(0).path("key").asText(),
        "the admin's taint survives registration");
    assertEquals("payments", cluster.path("metadata").path("labels").path("team").asText());
    assertEquals("test", cluster.path("metadata").path("labels").path("env").asText());
    Await.until("agent reports registered", agent::registered);
    assertNotNull(rig.hub().namespaces().withName("karmada-es-" + CLUSTER).get());
  }

  @Test
  void renewsItsLease() {
    var lease =
        rig.hub()
            .genericKubernetesResources("coordination.k8s.io/v1", "Lease")
            .inNamespace("karmada-cluster")
            .withName(CLUSTER);
    ObjectNode first =
        Await.until(
            "lease created",
            () -> {
              GenericKubernetesResource l = lease.get();
              return l == null ? null : Json.tree(l);
            },
            l -> l != null);
    JsonNode spec = first.path("spec");
    assertEquals(CLUSTER, spec.path("holderIdentity").asText());
    assertEquals(40, spec.path("leaseDurationSeconds").asInt());
    String renewTime = spec.path("renewTime").asText();
    assertTrue(renewTime.matches(MICRO_TIME), renewTime);
    String renewed =
        Await.until(
            "lease renewed",
            () -> Json.text(Json.tree(lease.get()), "spec", "renewTime"),
            t -> !t.equals(renewTime));
    assertTrue(renewed.matches(MICRO_TIME), renewed);
    assertNotEquals(renewTime, renewed);
    Await.until(
        "lease owned by the Cluster",
        () ->
            "Cluster"
                .equals(
                    Json.text(
                        Json.tree(lease.get()).path("metadata").path("ownerReferences").path(0),
                        "kind")));
  }

  @Test
  void reportsClusterStatus() {
    ObjectNode cluster =
        Await.until(
            "Cluster status written",
            RegistrationIT::cluster,
            c -> c != null && c.path("status").has("resourceSummary"));
    JsonNode status = cluster.path("status");
    assertTrue(
        status.path("kubernetesVersion").asText().startsWith("v1.33"),
        status.path("kubernetesVersion").asText());
    assertEquals(
        Map.of("type", "Ready", "status", "True", "reason", "ClusterReady"),
        pick(condition(status, "Ready")));
    assertEquals("True", condition(status, "CompleteAPIEnablements").path("status").asText());
    assertTrue(hasResource(status, "v1", "configmaps", "ConfigMap"));
    assertTrue(hasResource(status, "apps/v1", "deployments", "Deployment"));
    assertEquals(2, status.path("nodeSummary").path("totalNum").asInt());
    assertEquals(1, status.path("nodeSummary").path("readyNum").asInt());
    JsonNode summary = status.path("resourceSummary");
    assertEquals("8", summary.path("allocatable").path("cpu").asText());
    assertEquals("16Gi", summary.path("allocatable").path("memory").asText());
    assertEquals("220", summary.path("allocatable").path("pods").asText());
    assertEquals("500m", summary.path("allocated").path("cpu").asText());
    assertEquals("1Gi", summary.path("allocated").path("memory").asText());
    assertEquals("1", summary.path("allocated").path("pods").asText());
    assertEquals("500m", summary.path("allocating").path("cpu").asText());
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  private static Map<String, String> pick(JsonNode c) {
    return Map.of(
        "type",
        c.path("type").asText(),
        "status",
        c.path("status").asText(),
        "reason",
        c.path("reason").asText());
  }

  private static boolean hasResource(JsonNode status, String gv, String name, String kind) {
    for (JsonNode e : status.path("apiEnablements")) {
      if (gv.equals(e.path("groupVersion").asText())) {
        for (JsonNode r : e.path("resources")) {
          if (name.equals(r.path("name").asText()) && kind.equals(r.path("kind").asText())) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
