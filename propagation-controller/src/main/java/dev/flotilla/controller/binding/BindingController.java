package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.interpreter.HubInterpreter;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.KindScopes;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.OwnWrites;
import dev.flotilla.controller.runtime.Precedence;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.TemplateCache;
import dev.flotilla.controller.runtime.TreeCache;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.controller.runtime.TrustedBindings;
import dev.flotilla.policies.dependencies.AttachedBindings;
import dev.flotilla.policies.eviction.GracefulEviction;
import dev.flotilla.policies.interpreter.InterpretationException;
import dev.flotilla.policies.trust.Provenance;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Karmada's binding controller plus binding status: turns a scheduled (Cluster)ResourceBinding into
 * one Work per target cluster, removes Works of clusters no longer chosen, aggregates Work status
 * back into the binding and the template, and clears Works before a binding goes.
 */
public final class BindingController implements Reconciler, AutoCloseable {
  public static final String NAME = "binding-controller";

  private static final int WORKERS = 8;

  /**
   * Work status arrives from each member at its own moment; one reconcile per window aggregates
   * them all instead of rewriting the binding status once per member.
   */
  private static final Duration STATUS_WINDOW = Duration.ofMillis(100);

  /**
   * A binding's aggregated status is written at most once per interval, and not within one after
   * its Works were written: the waves of member reports then make one write, not one each (see
   * {@link StatusHold}).
   */
  private static final Duration STATUS_INTERVAL = Duration.ofMillis(500);

  private final KubernetesClient hub;
  private final Controller controller;
  private final TemplateCache templates;
  private final SharedIndexInformer<GenericKubernetesResource> bindings;
  private final SharedIndexInformer<GenericKubernetesResource> clusterBindings;
  private final SharedIndexInformer<GenericKubernetesResource> works;
  private final SharedIndexInformer<GenericKubernetesResource> overrides;
  private final SharedIndexInformer<GenericKubernetesResource> clusterOverrides;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final TreeCache trees = new TreeCache();
  private final OwnWrites written = new OwnWrites();

  /** The longest a binding's status write is held while its members' reports keep coming. */
  private static final Duration STATUS_CEILING = Duration.ofSeconds(4);

  private final StatusHold statusHold =
      new StatusHold(STATUS_INTERVAL, STATUS_CEILING, System::nanoTime);

  private final SyncMarks marks = new SyncMarks();
  private final WorkDigests workStore = new WorkDigests();
  private final CreatedWorks created = new CreatedWorks();

  /**
   * Says why a binding is left alone. The scheduler reports what {@link Provenance} refuses (this
   * controller's handlers never enqueue those); what is found only here, a template of the wrong
   * scope or place, is reported here.
   */
  private final TrustedBindings trust;

  private final KindScopes scopes;
  private final EventRecorder events;

  private final HubInterpreter interpreter;

  /** Work writes yield to templates and bindings still being placed, when it is on. */
  private final Precedence precedence;

  public BindingController(
      KubernetesClient hub,
      HubInformers informers,
      TemplateCache templates,
      HubInterpreter interpreter,
      Precedence precedence) {
    this.hub = hub;
    this.interpreter = interpreter;
    this.precedence = precedence;
    this.templates = templates;
    this.scopes = new KindScopes(hub);
    this.events = new EventRecorder(hub, NAME);
    this.trust = new TrustedBindings(NAME, events);
    this.controller = new Controller(NAME, this, WORKERS);
    // The binding's own status (ours, the scheduler's) is an output, never an input. Bindings the
    // detector could not have made are no input either, unless they are going (their Works go).
    this.bindings =
        informers.inform(
            Kinds.RESOURCE_BINDING,
            staleHandler(BindingController::keysIfActionable).onlyIf(Changes::beyondStatus));
    this.clusterBindings =
        informers.inform(
            Kinds.CLUSTER_RESOURCE_BINDING,
            staleHandler(BindingController::keysIfActionable).onlyIf(Changes::beyondStatus));
    this.works =
        hub.genericKubernetesResources(Kinds.WORK)
            .inAnyNamespace()
            .withLimit(HubInformers.LIST_PAGE)
            .runnableInformer(0);
    // Every Work of the fleet, as a digest each (see WorkDigests), indexed there by binding: the
    // informer's own namespace index would hold every key once more, and nothing reads it.
    works.itemStore(workStore);
    works.getIndexer().removeIndexer(Cache.NAMESPACE_INDEX);
    works.addEventHandler(new WorkEvents(controller, marks, STATUS_WINDOW));
    informers.startWithOthers(works); // listed beside the bindings, not after them
    this.overrides = informers.inform(Kinds.OVERRIDE_POLICY, staleHandler(o -> allBindingKeys()));
    this.clusterOverrides =
        informers.inform(Kinds.CLUSTER_OVERRIDE_POLICY, staleHandler(o -> allBindingKeys()));
    this.clusters = informers.inform(Kinds.CLUSTER, null);
    informers.whenSynced(controller::start);
  }

  @Override
  public Result reconcile(String key) {
    // Claimed before anything is read: an event from here on queues the key again, stale.
    boolean syncWorks = marks.claim(key);
    boolean[] synced = {false};
    try {
      return reconcile(key, syncWorks, synced);
    } finally {
      if (syncWorks && !synced[0]) {
        marks.stale(key); // failed, or left before the Works: the next reconcile syncs
      }
    }
  }

  private Result reconcile(String key, boolean syncWorks, boolean[] synced) {
    BindingKey ref = BindingKey.parse(key);
    GenericKubernetesResource cached =
        (ref.clusterScoped() ? clusterBindings : bindings).getIndexer().getByKey(ref.cacheKey());
    if (cached == null) {
      written.forget(key);
      trust.forget(key);
      statusHold.forget(key);
      return Result.DONE;
    }
    ObjectNode binding = Trees.tree(written.newest(key, cached));
    if (binding.path("metadata").has("deletionTimestamp")) {
      // Safe for any binding: only Works the hub labelled with this binding's uid are removed.
      return removeWorks(ref, binding, worksToSync(binding));
    }
    Optional<String> refusal = TrustedBindings.refusal(binding);
    if (refusal.isPresent()) {
      trust.report(key, binding, refusal.get());
      return Result.DONE;
    }
    if (AttachedBindings.targetClusters(binding.path("spec")).isEmpty()
        && worksToSync(binding).isEmpty()
        && !binding.path("status").has("aggregatedStatus")) {
      return Result.DONE; // not scheduled yet: no Works to write, no status to aggregate
    }
    Provenance.Binding origin = Provenance.Binding.of(binding);
    Optional<Boolean> namespacedKind =
        scopes.namespaced(origin.resourceApiVersion(), origin.resourceKind());
    if (namespacedKind.isEmpty()) {
      return Result.after(Duration.ofSeconds(5)); // the kind is not served (yet): no template
    }
    // Before any read: a read of the wrong scope would resolve outside the binding's namespace.
    Optional<String> misplaced = Provenance.scopeRefusal(origin, namespacedKind.get());
    if (misplaced.isPresent()) {
      trust.report(key, binding, misplaced.get());
      return Result.DONE;
    }
    JsonNode template = WorkWriter.template(hub, templates, binding);
    if (template == null) {
      return Result.DONE; // the template is gone; garbage collection removes the binding
    }
    misplaced = Provenance.templateRefusal(origin, Trees.text(template, "metadata", "namespace"));
    if (misplaced.isPresent()) {
      trust.report(key, binding, misplaced.get());
      return Result.DONE;
    }
    if (syncWorks) {
      Map<String, ObjectNode> desired;
      try {
        desired =
            DesiredWorks.of(
                binding,
                template,
                clusterMap(),
                trees(clusterOverrides.getStore().list(), null),
                trees(overrides.getStore().list(), Trees.text(binding, "metadata", "namespace")),
                interpreter.interpreter());
      } catch (InterpretationException e) {
        // No Work from a script that failed: the members keep what they have (Karmada requeues).
        interpreter.recordFailure(binding, HubInterpreter.REVISE_FAILED, e);
        return Result.after(Duration.ofSeconds(30));
      }
      List<WorkDigest> current = worksToSync(binding);
      boolean wroteWorks;
      try {
        wroteWorks =
            WorkWriter.sync(
                hub, precedence, desired, withoutRetained(binding, desired, current), created);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) { // a conflict is retried at once; a failure is worth a word
          recordSync(binding, template, "Warning", "SyncWorkFailed", e.getMessage());
        }
        throw e;
      }
      if (wroteWorks) {
        statusHold.worksWritten(key); // their statuses are on their way
        recordSync(
            binding,
            template,
            "Normal",
            "SyncWorkSucceed",
            "Sync work of "
                + (ref.clusterScoped() ? "ClusterResourceBinding(" : "ResourceBinding(")
                + ref.cacheKey()
                + ") successful.");
      }
      synced[0] = true;
    }
    Duration held = statusHold.remaining(key);
    if (!held.isZero()) {
      return Result.after(held);
    }
    GenericKubernetesResource stored =
        BindingStatus.aggregate(
            hub, ref, binding, template, workSummariesOf(binding), interpreter, events);
    if (stored != null) {
      statusHold.statusWritten(key);
    }
    written.wrote(key, stored);
    return Result.DONE;
  }

  /** Karmada's SyncWorkSucceed / SyncWorkFailed, on the binding and on its template. */
  private void recordSync(
      JsonNode binding, JsonNode template, String type, String reason, String message) {
    events.record(EventRecorder.Ref.of(binding), type, reason, message);
    events.record(EventRecorder.Ref.of(template), type, reason, message);
  }

  /**
   * The Works to bring in line, less those on clusters a graceful eviction still holds: the old
   * copy stays as it is until its task ends (then it is stale and goes).
   */
  private static List<WorkDigest> withoutRetained(
      JsonNode binding, Map<String, ObjectNode> desired, List<WorkDigest> current) {
    java.util.Set<String> retained = GracefulEviction.retainedClusters(binding.path("spec"));
    if (retained.isEmpty()) {
      return current;
    }
    List<WorkDigest> out = new ArrayList<>();
    for (WorkDigest w : current) {
      String cluster = dev.flotilla.policies.names.Names.clusterOf(w.namespace()).orElse("");
      if (!retained.contains(cluster) || desired.containsKey(cluster)) {
        out.add(w);
      }
    }
    return out;
  }

  private Result removeWorks(BindingKey ref, ObjectNode binding, List<WorkDigest> current) {
    if (!current.isEmpty()) {
      for (WorkDigest w : current) {
        try {
          hub.genericKubernetesResources(Kinds.WORK)
              .inNamespace(w.namespace())
              .withName(w.name())
              .delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      }
      return Result.after(Duration.ofMillis(300));
    }
    BindingStatus.removeFinalizer(hub, ref, binding);
    return Result.DONE;
  }

  /**
   * The binding's Works as a sync must see them: the informer's, and those this controller created
   * that the informer has not shown yet ({@link CreatedWorks}).
   */
  private List<WorkDigest> worksToSync(JsonNode binding) {
    String uid = Trees.text(binding, "metadata", "uid");
    long informerRevision = informerRevision();
    if (uid == null || informerRevision <= 0) {
      return worksOf(binding);
    }
    return created.with(
        BindingLabels.bindingIdLabel(binding) + "=" + uid,
        worksOf(binding),
        informerRevision,
        key -> workStore.get(key) != null);
  }

  /** The revision the Work informer has applied every event up to; 0 when unknown. */
  private long informerRevision() {
    String rv = works.lastSyncResourceVersion();
    try {
      return rv == null ? 0 : Long.parseLong(rv);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The digests of the binding's Works the informer holds, ordered by namespace. */
  private List<WorkDigest> worksOf(JsonNode binding) {
    String uid = Trees.text(binding, "metadata", "uid");
    if (uid == null) {
      return List.of();
    }
    List<WorkDigest> found =
        new ArrayList<>(workStore.ofBinding(BindingLabels.bindingIdLabel(binding) + "=" + uid));
    // A stable order, so the aggregated status only changes when a Work does.
    found.sort(java.util.Comparator.comparing(WorkDigest::namespace));
    return found;
  }

  /** What status aggregation reads of the binding's Works, ordered by cluster. */
  private List<WorkSummary> workSummariesOf(JsonNode binding) {
    List<WorkSummary> found = new ArrayList<>();
    for (WorkDigest w : worksOf(binding)) {
      found.add(w.summary());
    }
    found.sort(
        java.util.Comparator.comparing(
            WorkSummary::cluster, java.util.Comparator.nullsFirst(String::compareTo)));
    return found;
  }

  private Map<String, JsonNode> clusterMap() {
    Map<String, JsonNode> map = new HashMap<>();
    for (GenericKubernetesResource c : clusters.getStore().list()) {
      map.put(c.getMetadata().getName(), trees.tree(c));
    }
    return map;
  }

  private List<JsonNode> trees(List<GenericKubernetesResource> objs, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (GenericKubernetesResource o : objs) {
      if (namespace == null || namespace.equals(o.getMetadata().getNamespace())) {
        out.add(trees.tree(o));
      }
    }
    return out;
  }

  /**
   * Every binding's key, from the caches' keys alone (no binding decoded: an override policy change
   * must not cost a decode of every binding); a binding the controllers leave alone is refused by
   * its reconcile.
   */
  private List<String> allBindingKeys() {
    List<String> keys = new ArrayList<>();
    bindings.getIndexer().listKeys().forEach(k -> keys.add("rb|" + k));
    clusterBindings.getIndexer().listKeys().forEach(k -> keys.add("crb|" + k));
    return keys;
  }

  /** A binding's key when the detector could have made it, or when it is being deleted. */
  private static List<String> keysIfActionable(GenericKubernetesResource b) {
    return TrustedBindings.trusted(b) || b.getMetadata().getDeletionTimestamp() != null
        ? List.of(BindingKey.of(b))
        : List.of();
  }

  /** A handler whose keys are marked stale (their Works are synced) before they are queued. */
  private EnqueueHandler<GenericKubernetesResource> staleHandler(
      java.util.function.Function<GenericKubernetesResource, List<String>> keys) {
    return handler(
        o -> {
          List<String> mapped = keys.apply(o);
          mapped.forEach(marks::stale);
          return mapped;
        });
  }

  private EnqueueHandler<GenericKubernetesResource> handler(
      java.util.function.Function<GenericKubernetesResource, List<String>> keys) {
    return new EnqueueHandler<>(controller, keys::apply);
  }

  @Override
  public void close() {
    works.close();
    controller.close();
  }
}
