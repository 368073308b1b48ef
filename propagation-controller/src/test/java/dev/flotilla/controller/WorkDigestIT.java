package dev.flotilla.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding controller keeps a digest of each Work, not the Work, over real HTTPS: a Work changed
 * by hand is put back (its digest no longer matches what the binding asks for), one whose change
 * leaves what the controller writes as it was is not rewritten, and binding status is aggregated
 * from the digests' status summaries.
 */
class WorkDigestIT {
  private static HubFixture fx;
  private static ControllerManager manager;

  @BeforeAll
  static void start() throws Exception {
    fx = new HubFixture("member1", "member2");
    manager = new ControllerManager(fx.client, "work-digest");
    manager.start();
  }

  @AfterAll
  static void stop() {
    if (manager != null) {
      manager.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  private static void propagateToBoth(String name) {
    fx.propagate(name, "member1, member2");
  }

  private static void mergePatch(JsonNode work, String patch) {
    fx.client
        .genericKubernetesResources(Kinds.WORK)
        .inNamespace(work.path("metadata").path("namespace").asText())
        .withName(work.path("metadata").path("name").asText())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static String data(JsonNode work) {
    return work.path("spec")
        .path("workload")
        .path("manifests")
        .path(0)
        .path("data")
        .path("k")
        .asText();
  }

  @Test
  void aWorkChangedByHandIsPutBackAndOneOnlyRelabelledIsNotRewritten() {
    propagateToBoth("digest-a");
    Await.until("Work on member1", () -> fx.work("member1", "digest-a"));
    JsonNode second = Await.until("Work on member2", () -> fx.work("member2", "digest-a"));

    // Someone else labels member1's Work: its binding is synced, and nothing it writes differs.
    mergePatch(
        fx.work("member1", "digest-a"),
        "{\"metadata\":{\"labels\":{\"someone.else/added\":\"yes\"}}}");
    String labelled =
        fx.work("member1", "digest-a").path("metadata").path("resourceVersion").asText();
    // Then someone edits member2's manifest: the controller must put it back. Its reconcile comes
    // after the one the label woke (events arrive in order), so by then member1 has been compared.
    mergePatch(
        second,
        "{\"spec\":{\"workload\":{\"manifests\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
            + "\"metadata\":{\"name\":\"digest-a\",\"namespace\":\"default\"},"
            + "\"data\":{\"k\":\"tampered\"}}]}}}");
    Await.until(
        "member2's Work put back",
        () -> fx.work("member2", "digest-a"),
        w -> w != null && "v".equals(data(w)));

    JsonNode first = fx.work("member1", "digest-a");
    assertEquals(
        labelled, first.path("metadata").path("resourceVersion").asText(), "not rewritten");
    assertEquals("yes", first.path("metadata").path("labels").path("someone.else/added").asText());
  }

  @Test
  void bindingStatusIsAggregatedFromTheWorksStatusSummaries() {
    propagateToBoth("digest-b");
    JsonNode work = Await.until("Work on member1", () -> fx.work("member1", "digest-b"));
    var status = Trees.MAPPER.createObjectNode();
    status
        .putArray("conditions")
        .addObject()
        .put("type", "Applied")
        .put("status", "False")
        .put("reason", "AppliedFailed")
        .put("message", "digest-b: quota exceeded")
        .put("lastTransitionTime", "2026-12-06T00:00:00Z");
    var reported = (com.fasterxml.jackson.databind.node.ObjectNode) work.deepCopy();
    reported.set("status", status);
    fx.client
        .genericKubernetesResources(Kinds.WORK)
        .resource(Trees.generic(reported))
        .updateStatus();

    JsonNode aggregated =
        Await.until(
            "member1's report in the binding's status",
            () -> {
              var b =
                  fx.client
                      .genericKubernetesResources(Kinds.RESOURCE_BINDING)
                      .inNamespace("default")
                      .withName("digest-b-configmap")
                      .get();
              if (b == null) {
                return null;
              }
              for (JsonNode s : Trees.tree(b).path("status").path("aggregatedStatus")) {
                if ("member1".equals(s.path("clusterName").asText())
                    && s.has("applied")
                    && !s.path("applied").asBoolean()) {
                  return s;
                }
              }
              return null;
            });
    assertEquals("digest-b: quota exceeded", aggregated.path("appliedMessage").asText());
  }
}
