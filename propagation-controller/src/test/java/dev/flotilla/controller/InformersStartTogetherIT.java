package dev.flotilla.controller;

import static dev.flotilla.fixtures.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Informers started together ({@link HubInformers#startingTogether}), as a leading hub starts its
 * controllers, over real HTTPS: nothing lists until every handler is in, each handler then sees
 * every existing binding exactly once from the one list, a controller starts only on complete
 * caches, and a binding changed while the controllers were being built is reconciled as it is now.
 */
class InformersStartTogetherIT {
  private static HubFixture fx;

  @BeforeAll
  static void start() {
    fx = new HubFixture();
    for (int i = 0; i < 5; i++) {
      binding("b" + i, "one");
    }
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void everyHandlerSeesEachExistingBindingOnceAndControllersStartOnFullCaches() {
    try (HubInformers informers = HubInformers.startingTogether(fx.client)) {
      Adds first = new Adds();
      Adds second = new Adds();
      SharedIndexInformer<GenericKubernetesResource> bindings =
          informers.inform(Kinds.RESOURCE_BINDING, first);
      SharedIndexInformer<GenericKubernetesResource> clusters =
          informers.inform(Kinds.CLUSTER, null);
      List<Integer> cachedAtStart = new CopyOnWriteArrayList<>();
      informers.whenSynced(
          () ->
              cachedAtStart.add(
                  (int)
                      bindings.getStore().list().stream()
                          .filter(b -> b.getMetadata().getName().matches("b\\d"))
                          .count()));
      assertEquals(bindings, informers.inform(Kinds.RESOURCE_BINDING, second));
      assertFalse(bindings.isRunning(), "no informer lists before startAll");
      assertFalse(clusters.isRunning());
      assertTrue(cachedAtStart.isEmpty(), "nothing waiting for the caches runs before startAll");

      assertTrue(informers.startAll(() -> true));

      assertEquals(List.of(5), cachedAtStart, "ran once, on the complete cache");
      assertTrue(clusters.hasSynced());
      until("both handlers had the list", () -> first.total() == 5 && second.total() == 5);
      for (Adds adds : List.of(first, second)) {
        for (int i = 0; i < 5; i++) {
          assertEquals(1, adds.of("b" + i), "b" + i + " handed to a handler once");
        }
      }
      // Once started, later requests list at once and later waiters run at once.
      AtomicInteger late = new AtomicInteger();
      informers.whenSynced(late::incrementAndGet);
      assertEquals(1, late.get());
      assertTrue(informers.inform(Kinds.OVERRIDE_POLICY, null).hasSynced());
    }
  }

  @Test
  void aBindingChangedWhileControllersAreBuiltIsReconciledAsItIsNow() {
    binding("moving", "before");
    Map<String, String> reconciled = new ConcurrentHashMap<>();
    try (HubInformers informers = HubInformers.startingTogether(fx.client)) {
      SharedIndexInformer<GenericKubernetesResource>[] cache = new SharedIndexInformer[1];
      Reconciler reconciler =
          key -> {
            GenericKubernetesResource b = cache[0].getStore().getByKey(key);
            if (b != null) {
              reconciled.put(key, String.valueOf(b.getMetadata().getLabels().get("marker")));
            }
            return Reconciler.Result.DONE;
          };
      try (Controller controller = new Controller("start-together-test", reconciler, 1)) {
        cache[0] = informers.inform(Kinds.RESOURCE_BINDING, EnqueueHandler.self(controller));
        informers.whenSynced(controller::start);
        // Changed after the handlers are in and before anything listed: the list has it.
        mark("moving", "during");
        assertTrue(informers.startAll(() -> true));
        until(
            "the change made during start-up is reconciled",
            () -> "during".equals(reconciled.get("default/moving")));
        // And one made after the start arrives by the watch.
        mark("moving", "after");
        until(
            "a change after the start is reconciled",
            () -> "after".equals(reconciled.get("default/moving")));
      }
    }
  }

  /** onAdd calls by binding name (the other test may have added one of its own). */
  private static final class Adds implements ResourceEventHandler<GenericKubernetesResource> {
    private final Map<String, AtomicInteger> byName = new ConcurrentHashMap<>();

    @Override
    public void onAdd(GenericKubernetesResource b) {
      byName.computeIfAbsent(b.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {}

    @Override
    public void onDelete(GenericKubernetesResource b, boolean unknown) {}

    int of(String name) {
      AtomicInteger n = byName.get(name);
      return n == null ? 0 : n.get();
    }

    int total() {
      int n = 0;
      for (int i = 0; i < 5; i++) {
        n += of("b" + i);
      }
      return n;
    }
  }

  /** Creates binding {@code name} with label {@code marker: value}. */
  private static void binding(String name, String value) {
    String yaml =
        """
        apiVersion: work.karmada.io/v1alpha2
        kind: ResourceBinding
        metadata: {name: %s, namespace: default, labels: {marker: %s}}
        spec:
          resource: {apiVersion: v1, kind: ConfigMap, namespace: default, name: %s}
        """
            .formatted(name, value, name);
    fx.client
        .genericKubernetesResources(Kinds.RESOURCE_BINDING)
        .inNamespace("default")
        .load(new ByteArrayInputStream(yaml.getBytes()))
        .create();
  }

  private static void mark(String name, String value) {
    fx.client
        .genericKubernetesResources(Kinds.RESOURCE_BINDING)
        .inNamespace("default")
        .withName(name)
        .edit(
            b -> {
              b.getMetadata().getLabels().put("marker", value);
              return b;
            });
  }
}
