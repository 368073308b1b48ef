package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstream's clusterrole-aggregation controller: a ClusterRole with an aggregationRule gets as its
 * rules the union, in order and without duplicates, of the rules of every other ClusterRole one of
 * its selectors matches (ClusterRoles taken by name). Any ClusterRole change resyncs all aggregated
 * ones, on this controller's own thread.
 */
public final class AggregationController implements AutoCloseable {
  public static final String NAME = "clusterrole-aggregation-controller";
  private static final Logger LOG = LoggerFactory.getLogger(AggregationController.class);

  private final ResourceStorage storage;
  private final RbacCache cache;
  private final ResourceType clusterRoles;
  private final AtomicBoolean queued = new AtomicBoolean();
  private volatile boolean leading = true;

  /**
   * Whether a pass may also remove rules. Only the replica that leads does; a replica starting up
   * only adds, since its cache may not yet hold a role another replica has just written, and
   * aggregating without it would take that role's rules away from everyone for a moment.
   */
  private volatile boolean exact;

  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, NAME);
            t.setDaemon(true);
            return t;
          });

  public AggregationController(ResourceStorage storage, RbacCache cache) {
    this.storage = storage;
    this.cache = cache;
    this.clusterRoles =
        storage.registry().find(RbacAdmission.GROUP, "v1", "clusterroles").orElseThrow();
  }

  /**
   * Aggregates once now, adding rules only (so the hub serves with complete default roles), then on
   * every change until {@link #standBy()}.
   */
  public void start() {
    cache.onClusterRoleChange(this::enqueue);
    syncAll();
  }

  /** Leaves later changes to the replica that leads (see {@link #lead()}). */
  void standBy() {
    leading = false;
    exact = false;
  }

  /** Aggregates on every change while the returned handle is open, starting with a full pass. */
  AutoCloseable lead() {
    exact = true;
    leading = true;
    enqueue();
    return () -> {
      leading = false;
      exact = false;
    };
  }

  private void enqueue() {
    if (leading && queued.compareAndSet(false, true)) {
      worker.execute(this::run);
    }
  }

  private void run() {
    queued.set(false);
    try {
      syncAll();
    } catch (RuntimeException e) {
      LOG.debug(NAME + ": sync failed, retrying in 1 s", e);
      worker.schedule(this::enqueue, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * Passes over every aggregated ClusterRole until none changes: aggregated roles may select each
   * other (admin takes edit, edit takes view), so one pass may feed the next.
   */
  private void syncAll() {
    for (int pass = 0; pass < 16 && syncPass(); pass++) {
      // each pass reads what the previous one wrote: the cache is updated before a write returns
    }
  }

  /** One pass; true when it wrote something. */
  private boolean syncPass() {
    boolean wrote = false;
    boolean replace = exact;
    Map<String, ObjectNode> all = new TreeMap<>(cache.clusterRoles());
    for (Map.Entry<String, ObjectNode> e : all.entrySet()) {
      JsonNode rule = e.getValue().path("aggregationRule");
      if (!rule.isObject()) {
        continue;
      }
      ArrayNode wanted = aggregatedRules(e.getKey(), rule, all);
      JsonNode have = e.getValue().path("rules");
      if (!(replace ? wanted : union(have, wanted)).equals(have)) {
        storage
            .guaranteedUpdate(
                clusterRoles,
                null,
                e.getKey(),
                0,
                false,
                current -> {
                  current.set("rules", replace ? wanted : union(current.path("rules"), wanted));
                  return current;
                })
            .join();
        wrote = true;
      }
    }
    return wrote;
  }

  /** {@code have} (in its order) followed by the rules of {@code wanted} it lacks. */
  static ArrayNode union(JsonNode have, ArrayNode wanted) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    List<JsonNode> present = new ArrayList<>();
    for (JsonNode r : have) {
      out.add(r.deepCopy());
      present.add(PolicyRule.fromJson(r).toJson());
    }
    for (JsonNode r : wanted) {
      if (!present.contains(r)) {
        out.add(r.deepCopy());
      }
    }
    return out;
  }

  /** The rules {@code name}'s aggregationRule selects from {@code all} (sorted by name). */
  static ArrayNode aggregatedRules(
      String name, JsonNode aggregationRule, Map<String, ObjectNode> all) {
    List<JsonNode> rules = new ArrayList<>();
    for (JsonNode selectorNode : aggregationRule.path("clusterRoleSelectors")) {
      LabelSelector selector;
      try {
        selector = LabelSelector.fromMetaV1(selectorNode);
      } catch (RuntimeException e) {
        continue; // an invalid selector selects nothing, as upstream's controller skips it
      }
      for (Map.Entry<String, ObjectNode> e : all.entrySet()) {
        if (e.getKey().equals(name) || !selector.matches(labels(e.getValue()))) {
          continue;
        }
        for (JsonNode r : e.getValue().path("rules")) {
          JsonNode normal = PolicyRule.fromJson(r).toJson();
          if (!rules.contains(normal)) {
            rules.add(normal);
          }
        }
      }
    }
    ArrayNode out = Json.MAPPER.createArrayNode();
    rules.forEach(out::add);
    return out;
  }

  private static Map<String, String> labels(ObjectNode obj) {
    Map<String, String> labels = new TreeMap<>();
    obj.path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
