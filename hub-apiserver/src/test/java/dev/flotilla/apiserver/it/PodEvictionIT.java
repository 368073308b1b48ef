package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.PodFixtures.eviction;
import static dev.flotilla.apiserver.it.PodFixtures.pod;
import static dev.flotilla.apiserver.it.PodFixtures.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pods/eviction} as kube-apiserver's eviction REST: PodDisruptionBudgets in the namespace
 * decide (selector, minAvailable and maxUnavailable with percentages, Ready pods), a refusal is 429
 * with upstream's message and DisruptionBudget cause, more than one budget is 500, dry runs and
 * preconditions hold; fabric8's {@code evict()} is the client.
 */
class PodEvictionIT {
  private static TestHub hub;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static PodDisruptionBudget budget(
      String ns, String name, String app, IntOrString min, IntOrString max) {
    PodDisruptionBudget pdb =
        new PodDisruptionBudgetBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withMinAvailable(min)
            .withMaxUnavailable(max)
            .withNewSelector()
            .withMatchLabels(Map.of("app", app))
            .endSelector()
            .endSpec()
            .build();
    return client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(pdb).create();
  }

  private static boolean exists(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).get() != null;
  }

  private static boolean evict(String ns, String name) {
    return client.pods().inNamespace(ns).withName(name).evict();
  }

  @Test
  void withoutBudgetThePodGoes() {
    String ns = newNamespace(client, "evict-free");
    pod(client, ns, "a", "free", "Running", true, null);
    assertTrue(evict(ns, "a"));
    assertFalse(exists(ns, "a"));
  }

  @Test
  void minAvailableRefusesWithUpstreamStatus() {
    String ns = newNamespace(client, "evict-min");
    for (String p : new String[] {"a", "b", "c"}) {
      pod(client, ns, p, "web", "Running", true, null);
    }
    budget(ns, "web", "web", new IntOrString(2), null);
    assertTrue(evict(ns, "a"), "3 Ready, 2 needed: one may go");
    assertFalse(exists(ns, "a"));
    assertFalse(evict(ns, "b"), "2 Ready, 2 needed: fabric8 reads the 429 as false");
    assertTrue(exists(ns, "b"));

    PodFixtures.Raw refused =
        post(client, path(ns, "b"), "application/json", eviction(ns, "b", ""));
    assertEquals(429, refused.code(), refused.body());
    JsonNode status = json(refused.body());
    assertEquals("TooManyRequests", status.path("reason").asText());
    assertEquals(
        "Cannot evict pod as it would violate the pod's disruption budget.",
        status.path("message").asText());
    JsonNode cause = status.path("details").path("causes").path(0);
    assertEquals("DisruptionBudget", cause.path("reason").asText(), refused.body());
    assertEquals(
        "The disruption budget web needs 2 healthy pods and has 2 currently",
        cause.path("message").asText());

    PodDisruptionBudget pdb =
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web").get();
    assertEquals(0, pdb.getStatus().getDisruptionsAllowed());
    // The eviction recorded "a" in disruptedPods; the disruption controller drops it once a is
    // gone.
    Fabric8Support.await(
        "the disruption controller forgets the deleted pod",
        () -> {
          var st = client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web").get();
          return !st.getStatus().getDisruptedPods().containsKey("a")
              && st.getStatus().getCurrentHealthy() == 2;
        });
  }

  @Test
  void unreadyAndPendingPodsDoNotSpendTheBudget() {
    String ns = newNamespace(client, "evict-unready");
    pod(client, ns, "ready-1", "db", "Running", true, null);
    pod(client, ns, "ready-2", "db", "Running", true, null);
    pod(client, ns, "unready", "db", "Running", false, null);
    pod(client, ns, "pending", "db", "Pending", false, null);
    budget(ns, "db", "db", new IntOrString(2), null);
    assertFalse(evict(ns, "ready-1"));
    assertTrue(evict(ns, "unready"), "an unready pod is not healthy: evicting it costs nothing");
    assertTrue(evict(ns, "pending"));
    assertFalse(exists(ns, "unready"));
    assertFalse(exists(ns, "pending"));
    assertTrue(exists(ns, "ready-1"));
  }

  @Test
  void maxUnavailablePercentCountsTheControllersReplicas() {
    String ns = newNamespace(client, "evict-pct");
    ReplicaSet rs =
        client
            .apps()
            .replicaSets()
            .inNamespace(ns)
            .resource(
                new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withName("api")
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(4)
                    .withNewSelector()
                    .withMatchLabels(Map.of("app", "api"))
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .withLabels(Map.of("app", "api"))
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("main")
                    .withImage("nginx")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("api")
            .withUid(rs.getMetadata().getUid())
            .withController(true)
            .build();
    for (int i = 0; i < 4; i++) {
      pod(client, ns, "api-" + i, "api", "Running", true, owner);
    }
    // 4 replicas, 26% unavailable rounds up to 2: two pods may go, the third may not.
    budget(ns, "api", "api", null, new IntOrString("26%"));
    assertTrue(evict(ns, "api-0"));
    assertTrue(evict(ns, "api-1"));
    assertFalse(evict(ns, "api-2"));
    PodDisruptionBudget pdb =
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("api").get();
    assertEquals(4, pdb.getStatus().getExpectedPods());
    assertEquals(2, pdb.getStatus().getDesiredHealthy());
  }

  @Test
  void twoBudgetsAreAServerError() {
    String ns = newNamespace(client, "evict-two");
    pod(client, ns, "a", "two", "Running", true, null);
    budget(ns, "one", "two", new IntOrString(0), null);
    budget(ns, "other", "two", null, new IntOrString("100%"));
    PodFixtures.Raw r = post(client, path(ns, "a"), "application/json", eviction(ns, "a", ""));
    assertEquals(500, r.code(), r.body());
    assertTrue(
        json(r.body())
            .path("message")
            .asText()
            .contains("This pod has more than one PodDisruptionBudget"),
        r.body());
    assertTrue(exists(ns, "a"));
  }

  @Test
  void dryRunAndPreconditions() {
    String ns = newNamespace(client, "evict-opts");
    pod(client, ns, "a", "opts", "Running", true, null);
    pod(client, ns, "b", "opts", "Running", true, null);
    budget(ns, "opts", "opts", new IntOrString(1), null);
    PodFixtures.Raw dry =
        post(
            client,
            path(ns, "a"),
            "application/json",
            eviction(ns, "a", ",\"deleteOptions\":{\"dryRun\":[\"All\"]}"));
    assertEquals(201, dry.code(), dry.body());
    assertTrue(exists(ns, "a"));
    PodDisruptionBudget pdb =
        client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("opts").get();
    assertTrue(
        pdb.getStatus() == null
            || pdb.getStatus().getDisruptedPods() == null
            || pdb.getStatus().getDisruptedPods().isEmpty(),
        "a dry run records nothing");

    PodFixtures.Raw wrongUid =
        post(
            client,
            path(ns, "a"),
            "application/json",
            eviction(ns, "a", ",\"deleteOptions\":{\"preconditions\":{\"uid\":\"not-it\"}}"));
    assertEquals(409, wrongUid.code(), wrongUid.body());
    assertTrue(exists(ns, "a"));

    PodFixtures.Raw ok = post(client, path(ns, "a"), "application/json", eviction(ns, "a", ""));
    assertEquals(201, ok.code(), ok.body());
    assertEquals("Success", json(ok.body()).path("status").asText());
    assertNull(client.pods().inNamespace(ns).withName("a").get());
  }

  @Test
  void badEvictionBodiesAre400() {
    String ns = newNamespace(client, "evict-bad");
    pod(client, ns, "a", "bad", "Running", true, null);
    PodFixtures.Raw otherName =
        post(client, path(ns, "a"), "application/json", eviction(ns, "b", ""));
    assertEquals(400, otherName.code(), otherName.body());
    assertEquals(
        "name in URL does not match name in Eviction object",
        json(otherName.body()).path("message").asText());
    PodFixtures.Raw notEviction =
        post(client, path(ns, "a"), "application/json", "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}");
    assertEquals(400, notEviction.code(), notEviction.body());
    PodFixtures.Raw get = PodFixtures.send(client, "GET", path(ns, "a"), null, null);
    assertEquals(405, get.code(), get.body());
    PodFixtures.Raw v1beta1 =
        post(
            client,
            path(ns, "a"),
            "application/json",
            eviction(ns, "a", "").replace("policy/v1", "policy/v1beta1"));
    assertEquals(201, v1beta1.code(), v1beta1.body());
    assertNotNull(v1beta1.body());
    assertFalse(exists(ns, "a"));
  }

  static String path(String ns, String pod) {
    return "/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction";
  }

  static JsonNode json(String body) {
    try {
      return Fabric8Support.JSON.readTree(body);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }
}
