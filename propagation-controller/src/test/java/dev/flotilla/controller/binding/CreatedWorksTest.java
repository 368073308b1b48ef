package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CreatedWorksTest {
  private static final String BINDING = BindingLabels.RB_ID + "=uid-1";

  private static WorkDigest work(String cluster, String rv, String bindingUid) {
    GenericKubernetesResource w = new GenericKubernetesResource();
    w.setApiVersion("work.karmada.io/v1alpha1");
    w.setKind("Work");
    w.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("karmada-es-" + cluster)
            .withName("app-configmap")
            .withResourceVersion(rv)
            .withLabels(Map.of(BindingLabels.RB_ID, bindingUid))
            .build());
    w.setAdditionalProperty("spec", Map.of("workload", Map.of()));
    return WorkDigest.of("karmada-es-" + cluster + "/app-configmap", w);
  }

  private static Set<String> keys(List<WorkDigest> works) {
    return works.stream().map(WorkDigest::key).collect(Collectors.toSet());
  }

  @Test
  void aCreatedWorkCountsUntilTheInformerShowsIt() {
    CreatedWorks created = new CreatedWorks();
    created.created(work("m1", "105", "uid-1"));
    created.created(work("m2", "106", "uid-1"));
    WorkDigest seenM1 = work("m1", "105", "uid-1");
    // The informer is at 104: neither create applied yet, both count.
    assertEquals(
        Set.of("karmada-es-m1/app-configmap", "karmada-es-m2/app-configmap"),
        keys(created.with(BINDING, List.of(), 104, k -> false)));
    // It now holds m1 (its digest wins) but not m2.
    List<WorkDigest> now = created.with(BINDING, List.of(seenM1), 105, k -> k.contains("m1"));
    assertEquals(2, now.size());
    assertEquals(seenM1, now.get(0));
    assertEquals(1, created.size(), "m1 is the informer's now");
  }

  @Test
  void aCreatedWorkTheInformerPassedWithoutHoldingWasDeleted() {
    CreatedWorks created = new CreatedWorks();
    created.created(work("m1", "105", "uid-1"));
    assertEquals(List.of(), created.with(BINDING, List.of(), 105, k -> false));
    assertEquals(0, created.size());
  }

  @Test
  void worksOfOtherBindingsAndUnplainRevisionsAreLeftOut() {
    CreatedWorks created = new CreatedWorks();
    created.created(work("m1", "105", "uid-2"));
    created.created(work("m2", "x-7", "uid-1"));
    assertEquals(List.of(), created.with(BINDING, List.of(), 100, k -> false));
    assertEquals(1, created.size(), "uid-2's Work is kept for uid-2");
  }

  @Test
  void aRecordIsKeptFiveMinutesAtMost() {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    CreatedWorks created = new CreatedWorks(now::get);
    created.created(work("m1", "105", "uid-1"));
    created.created(work("m1", "106", "uid-9")); // another binding's, never synced again
    now.addAndGet(java.util.concurrent.TimeUnit.MINUTES.toNanos(5) + 1);
    assertEquals(List.of(), created.with(BINDING, List.of(), 100, k -> false));
    created.created(work("m2", "107", "uid-1")); // sweeps what is older than five minutes
    assertEquals(1, created.size());
  }

  @Test
  void aWorkTheInformerShowedMeanwhileStillCounts() {
    CreatedWorks created = new CreatedWorks();
    created.created(work("m1", "105", "uid-1"));
    // Held by the informer, but after the sync read its Works: counted once more, then dropped.
    assertEquals(1, created.with(BINDING, List.of(), 104, k -> true).size());
    assertEquals(0, created.size());
  }

  @Test
  void aWorkBeingDeletedNoLongerCounts() {
    CreatedWorks created = new CreatedWorks();
    created.created(work("m1", "105", "uid-1"));
    created.deleted(work("m1", "105", "uid-1"));
    assertEquals(List.of(), created.with(BINDING, List.of(), 100, k -> false));
  }
}
