package dev.flotilla.controller.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ClusterViewsTest {
  /** A Cluster as an agent reports it; {@code edit} changes the copy compared with it. */
  private static GenericKubernetesResource cluster(Consumer<Map<String, Object>> edit) {
    Map<String, Object> fields = new java.util.HashMap<>();
    fields.put("labels", Map.of("env", "prod"));
    fields.put("annotations", Map.of());
    fields.put("spec", Map.of("region", "r1", "taints", List.of()));
    fields.put("ready", "True");
    fields.put("heartbeat", "2026-12-06T00:00:00Z");
    fields.put("complete", "True");
    fields.put("apis", List.of(Map.of("groupVersion", "v1")));
    fields.put("pods", 10);
    edit.accept(fields);
    GenericKubernetesResource c = new GenericKubernetesResource();
    c.setMetadata(
        new ObjectMetaBuilder()
            .withName("m1")
            .withLabels(cast(fields.get("labels")))
            .withAnnotations(cast(fields.get("annotations")))
            .build());
    c.setAdditionalProperty("spec", fields.get("spec"));
    c.setAdditionalProperty(
        "status",
        Map.of(
            "conditions",
            List.of(
                Map.of(
                    "type",
                    "Ready",
                    "status",
                    fields.get("ready"),
                    "lastHeartbeatTime",
                    fields.get("heartbeat")),
                Map.of("type", "CompleteAPIEnablements", "status", fields.get("complete"))),
            "apiEnablements",
            fields.get("apis"),
            "resourceSummary",
            Map.of("allocatable", Map.of("pods", fields.get("pods")))));
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> cast(Object o) {
    return (Map<String, String>) o;
  }

  private record Case(String what, Consumer<Map<String, Object>> edit, boolean matters) {}

  @Test
  void onlyWhatPlacementReadsMatters() {
    List<Case> cases =
        List.of(
            new Case("nothing", f -> {}, false),
            new Case("heartbeat time", f -> f.put("heartbeat", "2026-12-06T00:00:10Z"), false),
            new Case("resource summary", f -> f.put("pods", 9), false),
            new Case("annotation", f -> f.put("annotations", Map.of("a", "b")), false),
            new Case("Ready (taints carry it)", f -> f.put("ready", "False"), false),
            new Case("label", f -> f.put("labels", Map.of("env", "dev")), true),
            new Case(
                "taint",
                f ->
                    f.put(
                        "spec",
                        Map.of(
                            "region",
                            "r1",
                            "taints",
                            List.of(Map.of("key", "k", "effect", "NoSchedule")))),
                true),
            new Case(
                "region", f -> f.put("spec", Map.of("region", "r2", "taints", List.of())), true),
            new Case("API enablements", f -> f.put("apis", List.of()), true),
            new Case("CompleteAPIEnablements", f -> f.put("complete", "False"), true));
    GenericKubernetesResource base = cluster(f -> {});
    for (Case c : cases) {
      assertEquals(c.matters(), ClusterViews.placementChanged(base, cluster(c.edit())), c.what());
      ClusterViews views = new ClusterViews();
      GenericKubernetesResource edited = cluster(c.edit());
      edited.getMetadata().setResourceVersion("2");
      base.getMetadata().setResourceVersion("1");
      assertEquals(
          c.matters(),
          !views.view(base).placement().equals(views.view(edited).placement()),
          c.what() + " (view hash)");
    }
  }
}
