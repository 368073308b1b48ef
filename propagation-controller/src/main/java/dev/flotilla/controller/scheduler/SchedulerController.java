package dev.flotilla.controller.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.ContentHash;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.OwnWrites;
import dev.flotilla.controller.runtime.Precedence;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.TreeCache;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.policies.dependencies.AttachedBindings;
import dev.flotilla.policies.placement.ScheduleResult;
import dev.flotilla.policies.placement.Scheduler;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Karmada's scheduler as a controller: for each (Cluster)ResourceBinding, runs the filter and score
 * plugins over every Cluster and writes {@code spec.clusters} and the Scheduled condition. Bindings
 * are looked at again whenever a Cluster changes.
 */
public final class SchedulerController implements Reconciler, AutoCloseable {
  public static final String NAME = "scheduler";

  /**
   * Reconciles are mostly two waits on the hub (spec, then status): many can overlap. In a burst
   * those writes queue on the hub's workers behind the Works of bindings already scheduled (a
   * hundred per binding at 100 clusters); with 8 workers the scheduler got about 80 bindings a
   * second through, with 32 its share of that queue is four times larger. The work queue keeps one
   * reconcile per binding at a time however many workers there are.
   */
  private static final int WORKERS = 32;

  private final KubernetesClient hub;
  private final Controller controller;
  private final Scheduler scheduler = Scheduler.withDefaultPlugins();
  private final EventRecorder events;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final TreeCache clusterTrees = new TreeCache();
  private final OwnWrites written = new OwnWrites();
  private final TrustedBindings trust;
  private static final java.time.Duration UNSCHEDULABLE_RETRY = java.time.Duration.ofSeconds(30);

  /**
   * Bindings whose placement or Scheduled condition this scheduler wrote: sampled over time, the
   * scheduler's own rate, apart from how fast bindings reach it.
   */
  private final io.micrometer.core.instrument.Counter schedulesWritten =
      io.micrometer.core.instrument.Counter.builder("flotilla.scheduler.schedules.written")
          .description("Bindings whose placement or Scheduled condition the scheduler wrote")
          .register(io.micrometer.core.instrument.Metrics.globalRegistry);

  /**
   * Queue key prefix of a binding the detector could not have made: its reconcile only reports why
   * it is left alone (the scheduler, first to see a binding, is the one that says so).
   */
  private static final String REFUSED = "refused|";

  /**
   * Queue key standing for "every binding": Cluster events queue it (coalesced), and its reconcile
   * queues each binding once, so the dozens of Cluster changes a restarted hub sees (agents
   * reconnecting) cost one pass over the bindings instead of one each.
   */
  static final String ALL_BINDINGS = "clusters|all";

  private static final java.time.Duration CLUSTER_COALESCE = java.time.Duration.ofSeconds(1);

  private final ClusterViews clusterViews = new ClusterViews();
  private final ScheduleMemo memo = new ScheduleMemo();

  /** Binding reconciles skipped because none of their scheduling inputs changed. */
  private final io.micrometer.core.instrument.Counter skipped =
      io.micrometer.core.instrument.Counter.builder("flotilla.scheduler.unchanged.skipped")
          .description("Binding reconciles skipped: no scheduling input changed since the last")
          .register(io.micrometer.core.instrument.Metrics.globalRegistry);

  public SchedulerController(KubernetesClient hub, HubInformers informers, Precedence precedence) {
    this.hub = hub;
    this.controller = new Controller(NAME, this, WORKERS, precedence);
    this.events = new EventRecorder(hub, "karmada-scheduler");
    this.trust = new TrustedBindings(NAME, events);
    // Status-only changes (the binding controller's aggregated status, our own Scheduled
    // condition) never change a placement: only spec, metadata and Clusters do.
    this.bindings =
        informers.inform(
            Kinds.RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller,
                    b ->
                        List.of(
                            keyIfTrusted(
                                b,
                                "rb|"
                                    + b.getMetadata().getNamespace()
                                    + "/"
                                    + b.getMetadata().getName())))
                .onlyIf(Changes::beyondStatus));
    this.clusterBindings =
        informers.inform(
            Kinds.CLUSTER_RESOURCE_BINDING,
            new EnqueueHandler<GenericKubernetesResource>(
                    controller, b -> List.of(keyIfTrusted(b, "crb|" + b.getMetadata().getName())))
                .onlyIf(Changes::beyondStatus));
    this.clusters =
        informers.inform(
            Kinds.CLUSTER,
            new EnqueueHandler<GenericKubernetesResource>(controller, c -> List.of(ALL_BINDINGS))
                .onlyIf(ClusterViews::placementChanged)
                .coalescing(CLUSTER_COALESCE));
    informers.whenSynced(controller::start);
  }

  /** The binding's queue key, or its {@link #REFUSED} key when it is not to be scheduled. */
  private static String keyIfTrusted(GenericKubernetesResource b, String key) {
    return TrustedBindings.trusted(b) ? key : REFUSED + key;
  }

  @Override
  public Result reconcile(String queued) {
    if (ALL_BINDINGS.equals(queued)) {
      allBindingKeys().forEach(controller::enqueue);
      return Result.DONE;
    }
    boolean refusedKey = queued.startsWith(REFUSED);
    String key = refusedKey ? queued.substring(REFUSED.length()) : queued;
    boolean crb = key.startsWith("crb|");
    String cacheKey = key.substring(key.indexOf('|') + 1);
    GenericKubernetesResource cached =
        (crb ? clusterBindings : bindings).getIndexer().getByKey(cacheKey);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      written.forget(key);
      trust.forget(key);
      memo.forget(key);
      return Result.DONE;
    }
    GenericKubernetesResource newest = written.newest(key, cached);
    List<GenericKubernetesResource> live = new ArrayList<>();
    for (GenericKubernetesResource c : clusters.getStore().list()) {
      if (c.getMetadata().getDeletionTimestamp() == null) {
        live.add(c);
      }
    }
    // Checked before the binding is converted to a tree: that conversion was most of the cost of a
    // reconcile that ends up writing nothing, as every pass after a restart's first does. A binding
    // with no memo (a new one, or one forgotten) skips the hash: its schedule writes, mostly.
    ContentHash.Hash inputs =
        refusedKey || !memo.remembers(key) ? null : ScheduleMemo.inputs(newest, live, clusterViews);
    ScheduleMemo.Entry same = inputs == null ? null : memo.unchanged(key, inputs);
    if (same != null) {
      skipped.increment();
      return same.scheduled() ? Result.DONE : Result.after(UNSCHEDULABLE_RETRY);
    }
    ObjectNode binding = Trees.tree(newest);
    var refusal = TrustedBindings.refusal(binding);
    if (refusal.isPresent()) {
      trust.report(key, binding, refusal.get());
      return Result.DONE;
    }
    if (refusedKey) {
      controller.enqueue(key); // trusted again (edited back): schedule it as usual
      return Result.DONE;
    }
    if (!binding.path("spec").has("placement") && AttachedBindings.attachedOnly(binding)) {
      // No policy places it (a dependency's attached binding): its requirers' clusters do.
      return Result.DONE;
    }
    List<JsonNode> all = new ArrayList<>();
    live.forEach(c -> all.add(clusterTrees.tree(c)));
    JsonNode spec = binding.path("spec");
    ScheduleResult result = scheduler.schedule(null, spec, binding.path("status"), all);
    ObjectNode next = binding.deepCopy();
    if (result.updatesTargets() && !sameAssignment(result.clustersJson(), spec.path("clusters"))) {
      ArrayNode targets = result.clustersJson();
      if (targets.isEmpty()) {
        next.with("spec").remove("clusters");
      } else {
        next.with("spec").set("clusters", targets);
      }
    }
    GenericKubernetesResource last = null; // the last version written, if any
    if (!Trees.same(next.path("spec"), spec)) {
      last = resource(crb).resource(Trees.generic(next)).update();
      written.wrote(key, last);
      next = Trees.tree(last);
    }
    ObjectNode status = next.with("status").deepCopy();
    setScheduled(status, result);
    status.put("schedulerObservedGeneration", next.path("metadata").path("generation").asLong());
    if (!result.affinityName().isEmpty()) {
      status.put("schedulerObservingAffinityName", result.affinityName());
    }
    if (!Trees.same(status, next.path("status"))) {
      status.put("lastScheduledTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      next.set("status", status);
      last = resource(crb).resource(Trees.generic(next)).updateStatus();
      written.wrote(key, last);
      recordOutcome(next, result);
    }
    if (last != null) {
      schedulesWritten.increment();
      // Remembered as written: the watch event of this very write (its spec, a new generation)
      // must not cost a second full schedule, which at 100 clusters was as dear as the first.
      // Karmada's scheduler likewise leaves a binding whose placement it has just applied. Any
      // later change of its inputs (spec, annotations, a Cluster's view) misses the memo.
      memo.remember(key, ScheduleMemo.inputs(last, live, clusterViews), result.scheduled());
    } else {
      memo.remember(
          key,
          inputs != null ? inputs : ScheduleMemo.inputs(newest, live, clusterViews),
          result.scheduled());
    }
    // Capacity (resource summaries) is not an event the scheduler reacts to; an unschedulable
    // binding is tried again on a timer, as Karmada retries unschedulable bindings.
    return result.scheduled() ? Result.DONE : Result.after(UNSCHEDULABLE_RETRY);
  }

  /**
   * Karmada's ScheduleBindingSucceed / ScheduleBindingFailed, on the binding and on its template,
   * once per new outcome; and a Warning naming the clusters a filter dropped, gone once none is.
   */
  private void recordOutcome(ObjectNode binding, ScheduleResult result) {
    EventRecorder.Ref bindingRef = EventRecorder.Ref.of(binding);
    EventRecorder.Ref templateRef = EventRecorder.Ref.templateOf(binding);
    String type = result.scheduled() ? "Normal" : "Warning";
    String reason = result.scheduled() ? "ScheduleBindingSucceed" : "ScheduleBindingFailed";
    String message = result.scheduled() ? ScheduleReport.successMessage(result) : result.message();
    events.record(bindingRef, type, reason, message);
    events.record(templateRef, type, reason, message);
    String filtered = ScheduleReport.filtered(result);
    for (EventRecorder.Ref ref : List.of(bindingRef, templateRef)) {
      if (filtered.isEmpty()) {
        events.resolve(ref, ScheduleReport.FILTERED_REASON);
      } else {
        events.record(ref, "Warning", ScheduleReport.FILTERED_REASON, filtered);
      }
    }
  }

  /**
   * True when both lists give the same replicas to the same clusters, in any order. The order
   * follows the clusters' free capacity, which moves as members run pods: a schedule that only
   * reorders (a restarted hub schedules every binding once) is no change, and writing it would bump
   * the binding's generation and restart its reconciles for nothing.
   */
  static boolean sameAssignment(JsonNode next, JsonNode current) {
    if (!current.isArray() || next.size() != current.size()) {
      return false;
    }
    java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
    for (JsonNode c : current) {
      if (byName.put(c.path("name").asText(), c) != null) {
        return false;
      }
    }
    for (JsonNode c : next) {
      JsonNode was = byName.remove(c.path("name").asText()); // removed: a name twice differs
      if (was == null || !Trees.same(was, c)) {
        return false;
      }
    }
    return true;
  }

  private static void setScheduled(ObjectNode status, ScheduleResult result) {
    ArrayNode conditions = status.withArray("conditions");
    String value = result.scheduled() ? "True" : "False";
    String message = ScheduleReport.conditionMessage(result);
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode c = conditions.get(i);
      if ("Scheduled".equals(c.path("type").asText())) {
        if (value.equals(c.path("status").asText()) && message.equals(c.path("message").asText())) {
          return;
        }
        conditions.remove(i);
        break;
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", "Scheduled");
    c.put("status", value);
    c.put("reason", result.reason());
    c.put("message", message);
    c.put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private io.fabric8.kubernetes.client.dsl.MixedOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
      resource(boolean crb) {
    return hub.genericKubernetesResources(
        crb ? Kinds.CLUSTER_RESOURCE_BINDING : Kinds.RESOURCE_BINDING);
  }

  /**
   * Every binding's key, from the caches' keys alone: decoding every binding to filter the trusted
   * ones cost a full decode of the hub's bindings (and a list of them all on the heap at once) per
   * Cluster change, ten times over as a restarted hub lists its Clusters. A binding the controllers
   * must leave alone is refused by its reconcile, which reports it once per version as before.
   */
  private List<String> allBindingKeys() {
    List<String> keys = new ArrayList<>();
    bindings.getIndexer().listKeys().forEach(k -> keys.add("rb|" + k));
    clusterBindings.getIndexer().listKeys().forEach(k -> keys.add("crb|" + k));
    return keys;
  }

  @Override
  public void close() {
    controller.close();
  }
}
