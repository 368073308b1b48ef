package dev.flotilla.apiserver.pods;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.controllers.WorkQueue;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.selection.SelectorParseException;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube-controller-manager's disruption controller for the pods in this server's store: keeps every
 * policy/v1 PodDisruptionBudget's status (expected, desired and current healthy pods, disruptions
 * allowed, disruptedPods and their expiry, the DisruptionAllowed condition) as its pods change, and
 * turns a pod's DisruptionTarget condition False when an eviction marked it but never deleted it.
 * The arithmetic is the eviction's own ({@link DisruptionBudget}).
 */
public final class DisruptionController implements AutoCloseable {
  public static final String NAME = "disruption-controller";

  private static final String BUDGET = "b:";
  private static final String POD = "p:";
  private static final byte[] TARGET = DisruptionTarget.TYPE.getBytes(StandardCharsets.UTF_8);

  private final ResourceStorage storage;
  private final PodObjects objects;
  private final WorkQueue queue;
  private final String budgetPrefix;
  private final String podPrefix;

  /** Budgets by namespace, then name: the selector and the pods it selected at the last sync. */
  private final Map<String, Map<String, Tracked>> budgets = new ConcurrentHashMap<>();

  private record Tracked(Optional<LabelSelector> selector, Set<String> selected) {}

  private final List<Store.Watch> watches = new ArrayList<>();

  /** A controller for {@code storage}, or empty when it serves no pods or budgets. */
  public static Optional<DisruptionController> forStorage(ResourceStorage storage) {
    var registry = storage.registry();
    if (registry.find("", "v1", "pods").isEmpty()
        || registry.find("policy", "v1", "poddisruptionbudgets").isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DisruptionController(storage));
  }

  private DisruptionController(ResourceStorage storage) {
    this.storage = storage;
    this.objects = new PodObjects(storage);
    this.queue = new WorkQueue(NAME, this::reconcile);
    this.budgetPrefix = StorageKeys.listPrefix(objects.budgets, null);
    this.podPrefix = StorageKeys.listPrefix(objects.pods, null);
  }

  /** Watches budgets and pods from now, then queues every budget and every marked pod. */
  public void start() {
    long revision = storage.store().currentRevision();
    watches.add(storage.store().watch(budgetPrefix, revision, this::onBudget));
    watches.add(storage.store().watch(podPrefix, revision, this::onPod));
    for (ObjectNode pdb : objects.list(objects.budgets, null)) {
      track(Meta.namespace(pdb), Meta.name(pdb), pdb);
      queue.add(BUDGET + Meta.namespace(pdb) + "/" + Meta.name(pdb));
    }
    for (ObjectNode pod : objects.list(objects.pods, null)) {
      watchDisruptionTarget(Meta.namespace(pod) + "/" + Meta.name(pod), pod);
    }
  }

  private void onBudget(StoreEvent e) {
    String key = e.kv().key().substring(budgetPrefix.length());
    int slash = key.indexOf('/');
    String ns = key.substring(0, slash);
    String name = key.substring(slash + 1);
    if (e.type() == StoreEvent.Type.DELETE) {
      Map<String, Tracked> inNs = budgets.get(ns);
      if (inNs != null) {
        inNs.remove(name);
      }
      return;
    }
    track(ns, name, Json.read(e.kv().value()));
    queue.add(BUDGET + key);
  }

  private void track(String ns, String name, ObjectNode pdb) {
    budgets
        .computeIfAbsent(ns, n -> new ConcurrentHashMap<>())
        .compute(
            name,
            (n, old) ->
                new Tracked(
                    DisruptionBudget.selector(pdb), old == null ? Set.of() : old.selected()));
  }

  /**
   * A pod changed: queue the budgets that selected it at their last sync and those whose selector
   * matches it now (so a relabelled pod leaves one budget and joins another).
   */
  private void onPod(StoreEvent e) {
    String key = e.kv().key().substring(podPrefix.length());
    byte[] value = e.kv().value();
    Map<String, Tracked> inNs = budgets.get(key.substring(0, key.indexOf('/')));
    boolean marked = e.type() == StoreEvent.Type.PUT && contains(value, TARGET);
    if ((inNs == null || inNs.isEmpty()) && !marked) {
      return; // the common case, decided without parsing the pod
    }
    ObjectNode pod = Json.read(value);
    if (inNs != null) {
      String ns = Meta.namespace(pod);
      var labels = Meta.labels(pod);
      String name = Meta.name(pod);
      inNs.forEach(
          (budget, t) -> {
            if (t.selected().contains(name)
                || t.selector().map(s -> s.matches(labels)).orElse(false)) {
              queue.add(BUDGET + ns + "/" + budget);
            }
          });
    }
    if (marked) {
      watchDisruptionTarget(key, pod);
    }
  }

  private void watchDisruptionTarget(String key, ObjectNode pod) {
    DisruptionTarget.staleAt(pod)
        .ifPresent(
            at ->
                queue.addAfter(
                    POD + key, Math.max(0, Duration.between(Instant.now(), at).toMillis())));
  }

  private long reconcile(String key) {
    String rest = key.substring(2);
    int slash = rest.indexOf('/');
    String ns = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    return key.startsWith(BUDGET) ? syncBudget(ns, name) : clearStaleTarget(ns, name);
  }

  /** Upstream's trySync, or its failSafe when the budget's selector cannot be read. */
  private long syncBudget(String ns, String name) {
    ObjectNode pdb = storage.find(objects.budgets, ns, name).orElse(null);
    if (pdb == null) {
      return -1;
    }
    Instant now = Instant.now();
    LabelSelector selector;
    try {
      selector = LabelSelector.fromMetaV1(pdb.path("spec").get("selector"));
    } catch (SelectorParseException e) {
      write(ns, name, pdb, p -> DisruptionBudget.failSafe(p, e.getMessage(), Meta.now()));
      return -1;
    }
    List<ObjectNode> selected = new ArrayList<>();
    for (ObjectNode pod : objects.list(objects.pods, ns)) {
      if (selector.matches(Meta.labels(pod))) {
        selected.add(pod);
      }
    }
    Set<String> names = Set.copyOf(selected.stream().map(Meta::name).toList());
    Map<String, Tracked> inNs = budgets.get(ns);
    if (inNs != null) {
      inNs.computeIfPresent(name, (n, t) -> new Tracked(t.selector(), names));
    }
    DisruptionBudget figures =
        DisruptionBudget.compute(pdb, selected, objects.scale(selected, ns), now);
    DisruptionBudget.Disrupted disrupted = DisruptionBudget.disrupted(pdb, selected, now);
    write(ns, name, pdb, p -> figures.writeStatus(p, disrupted.pods(), Meta.now()));
    if (disrupted.recheck() != null) {
      return Math.max(1, Duration.between(now, disrupted.recheck()).toMillis());
    }
    return -1;
  }

  /** Writes the status {@code update} computes, unless it is what the budget holds already. */
  private void write(
      String ns, String name, ObjectNode pdb, java.util.function.Consumer<ObjectNode> update) {
    ObjectNode wanted = pdb.deepCopy();
    update.accept(wanted);
    if (wanted.path("status").equals(pdb.path("status"))) {
      return;
    }
    long rv = Meta.resourceVersion(pdb);
    try {
      storage
          .guaranteedUpdate(
              objects.budgets,
              ns,
              name,
              rv,
              false,
              current -> {
                current.set("status", wanted.get("status"));
                return current;
              })
          .join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      // Changed or gone meanwhile: its own event queues the budget again.
      if (cause instanceof ApiException api && (api.code() == 409 || api.code() == 404)) {
        return;
      }
      throw cause;
    }
  }

  /** Upstream's syncStalePodDisruption: DisruptionTarget goes False on a pod that stayed. */
  private long clearStaleTarget(String ns, String name) {
    ObjectNode pod = storage.find(objects.pods, ns, name).orElse(null);
    if (pod == null) {
      return -1;
    }
    Optional<Instant> stale = DisruptionTarget.staleAt(pod);
    if (stale.isEmpty()) {
      return -1;
    }
    long wait = Duration.between(Instant.now(), stale.get()).toMillis();
    if (wait > 0) {
      return wait;
    }
    try {
      storage
          .guaranteedUpdate(
              objects.pods,
              ns,
              name,
              Meta.resourceVersion(pod),
              false,
              current -> {
                DisruptionTarget.clear(current, Meta.now());
                return current;
              })
          .join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      if (cause instanceof ApiException api && (api.code() == 409 || api.code() == 404)) {
        return -1; // its own event looks again
      }
      throw cause;
    }
    return -1;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() {
    watches.forEach(Store.Watch::close);
    queue.close();
  }
}
