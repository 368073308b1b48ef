package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.KeyedWorkQueue;
import dev.flotilla.agent.kube.KeyedWorkQueue.Result;
import dev.flotilla.agent.kube.Times;
import dev.flotilla.policies.decoding.TolerantDecoding;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Karmada's execution controller in pull mode: applies the Works of this cluster's execution
 * namespace on the hub to the member, prunes what left them, and reports Work status. Handlers only
 * enqueue Work names; {@link #reconcile} reads the caches and converges one Work.
 */
public final class ExecutionController implements AutoCloseable {
  public static final String NAME = "execution-controller";
  private static final Logger LOG = LoggerFactory.getLogger(ExecutionController.class);

  private final KubernetesClient hub;
  private final String namespace;
  private final Clock clock;
  private final Duration resyncPeriod;
  private final KeyedWorkQueue queue;
  private final ResourceMapper mapper;
  private final MemberObjects memberObjects;
  private final ManifestApplier applier;
  private final Pruner pruner;
  private final HubWorks hubWorks;
  private final AppliedRecords records = new AppliedRecords();
  private final HubCustomizations customizations;
  private final ResourceInterpreter interpreter;
  private final Set<String> reportedUndecodable =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private SharedIndexInformer<GenericKubernetesResource> works;

  public ExecutionController(
      KubernetesClient hub,
      KubernetesClient member,
      String namespace,
      int workers,
      Duration resyncPeriod,
      Clock clock) {
    this(hub, member, namespace, workers, resyncPeriod, clock, null);
  }

  /** As above, reconciling on {@code sharedWorkers} when not null (many agents in one process). */
  public ExecutionController(
      KubernetesClient hub,
      KubernetesClient member,
      String namespace,
      int workers,
      Duration resyncPeriod,
      Clock clock,
      java.util.concurrent.ExecutorService sharedWorkers) {
    this.hub = hub;
    this.namespace = namespace;
    this.clock = clock;
    this.resyncPeriod = resyncPeriod;
    this.queue =
        sharedWorkers == null
            ? new KeyedWorkQueue(NAME, workers, this::reconcile)
            : new KeyedWorkQueue(NAME, workers, this::reconcile, sharedWorkers);
    this.mapper = new ResourceMapper(member);
    // Closed with this controller; the view is shared with other agents of the same hub.
    this.customizations = HubCustomizations.join(hub, resyncPeriod.toMillis(), this::requeueAll);
    this.interpreter = customizations.interpreter();
    this.memberObjects = new MemberObjects(member, namespace, queue::add);
    this.applier = new ManifestApplier(member, mapper, interpreter);
    this.pruner = new Pruner(member, mapper, memberObjects);
    this.hubWorks = new HubWorks(hub);
  }

  /** Every Work again: the interpreter's customizations changed. */
  private void requeueAll() {
    if (works != null) {
      works.getStore().listKeys().forEach(k -> queue.add(k.substring(k.indexOf('/') + 1)));
    }
  }

  /** Starts watching Works in the execution namespace; returns without waiting for the hub. */
  public void start() {
    works =
        hub.genericKubernetesResources(HubResources.WORKS)
            .inNamespace(namespace)
            .runnableInformer(resyncPeriod.toMillis());
    // The hub may be down at start or later: keep retrying, never treat that as "no Works". A Work
    // the client cannot decode is no reason to stop either: with the tolerant decoding of
    // ClientSource it never fails a list; on any other client the informer retries until the
    // object is fixed or deleted, rather than stop for good.
    works.exceptionHandler(
        (started, t) -> {
          if (ExceptionHandler.isDeserializationException(t)) {
            LOG.warn(NAME + ": a Work in " + namespace + " cannot be decoded, retrying: " + t);
          }
          return true;
        });
    works.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource work) {
            queue.add(work.getMetadata().getName());
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource work) {
            if (needsReconcile(old, work)) {
              queue.add(work.getMetadata().getName());
            }
          }

          @Override
          public void onDelete(GenericKubernetesResource work, boolean finalStateUnknown) {
            queue.add(work.getMetadata().getName());
          }
        });
    works.start();
  }

  /**
   * Status-only updates and our own finalizer being added (our writes) need no reconcile; resyncs,
   * spec changes and anything else do.
   */
  private static boolean needsReconcile(
      GenericKubernetesResource old, GenericKubernetesResource work) {
    var a = old.getMetadata();
    var b = work.getMetadata();
    return Objects.equals(a.getResourceVersion(), b.getResourceVersion())
        || !Objects.equals(a.getGeneration(), b.getGeneration())
        || !Objects.equals(a.getAnnotations(), b.getAnnotations())
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || (!Objects.equals(a.getFinalizers(), b.getFinalizers()) && !onlyOursAdded(a, b));
  }

  private static boolean onlyOursAdded(
      io.fabric8.kubernetes.api.model.ObjectMeta old,
      io.fabric8.kubernetes.api.model.ObjectMeta now) {
    List<String> before = old.getFinalizers() == null ? List.of() : old.getFinalizers();
    List<String> after = now.getFinalizers() == null ? List.of() : now.getFinalizers();
    if (before.contains(KarmadaMarks.FINALIZER) || !after.contains(KarmadaMarks.FINALIZER)) {
      return false;
    }
    List<String> rest = new ArrayList<>(after);
    rest.remove(KarmadaMarks.FINALIZER);
    return rest.equals(before);
  }

  /** True once the Work informer has listed the hub at least once. */
  public boolean hasSynced() {
    return works != null && works.hasSynced();
  }

  Result reconcile(String name) {
    GenericKubernetesResource cached = works.getStore().getByKey(namespace + "/" + name);
    if (cached == null) {
      records.forget(name);
      hubWorks.forget(name);
      return Result.DONE;
    }
    Optional<String> undecodable =
        TolerantDecoding.problems(cached.getMetadata().getAdditionalProperties());
    if (undecodable.isPresent()) {
      // Applying a Work read with fields missing could prune what its real manifest keeps.
      if (reportedUndecodable.add(name + "@" + cached.getMetadata().getResourceVersion())) {
        LOG.warn(
            NAME
                + ": skipping Work "
                + namespace
                + "/"
                + name
                + ", it cannot be decoded ("
                + undecodable.get()
                + "); the member is left as it is until the Work is fixed or deleted");
      }
      return Result.DONE;
    }
    // Read without managedFields (the reconcile never looks at them); the finalizer writes send
    // the Work back whole, so they get the full copy.
    WorkView read = WorkView.of(hubWorks.newest(name, Json.treeToRead(cached)));
    WorkView work =
        read.deleting() || !read.hasFinalizer()
            ? WorkView.of(hubWorks.newest(name, Json.tree(cached)))
            : read;
    if (work.deleting()) {
      return finalizeDeletion(work);
    }
    if (work.suspended()) {
      return Result.DONE;
    }
    ObjectNode stored = ensureFinalizer(work);
    List<Target> targets = resolveTargets(work);
    watchMemberObjects(work, targets);
    List<ManifestResult> results = applyManifests(work, targets);
    pruneLeftovers(work, results);
    hubWorks.writeStatus(
        stored,
        previous ->
            WorkStatusBuilder.build(
                previous, results, work.generation(), Times.now(clock), interpreter));
    List<String> failures =
        results.stream()
            .filter(ManifestResult::failed)
            .map(r -> r.describe() + ": " + r.error())
            .toList();
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Work " + name + " not fully applied: " + failures);
    }
    return Result.DONE;
  }

  /** A manifest with the member resource it maps to (empty when the member lacks the kind). */
  private record Target(Manifests.Indexed manifest, Optional<Gvr> gvr) {
    ObjectKey key() {
      ObjectNode m = manifest.manifest();
      String ns =
          gvr.map(g -> g.namespaced() ? Manifests.namespaceOf(m) : "")
              .orElse(Json.namespace(m) == null ? "" : Json.namespace(m));
      return ObjectKey.of(manifest.apiVersion(), manifest.kind(), ns, manifest.name());
    }
  }

  /** Step: the finalizer goes on before anything is applied, so deletion always prunes. */
  private ObjectNode ensureFinalizer(WorkView work) {
    return work.hasFinalizer() ? work.object() : hubWorks.addFinalizer(work);
  }

  /** Step: map each manifest to a member resource (re-read later for CRD-defined kinds). */
  private List<Target> resolveTargets(WorkView work) {
    List<Target> targets = new ArrayList<>();
    for (Manifests.Indexed m : Manifests.inApplyOrder(work.manifests())) {
      targets.add(new Target(m, mapper.find(m.apiVersion(), m.kind())));
    }
    return targets;
  }

  /** Step: member informers for every resource this Work has or had, before pruning. */
  private void watchMemberObjects(WorkView work, List<Target> targets) {
    Set<Gvr> gvrs = new LinkedHashSet<>();
    targets.forEach(t -> t.gvr().ifPresent(gvrs::add));
    for (WorkView.Identifier id : work.previousIdentifiers()) {
      mapper.find(id.apiVersion(), id.kind()).ifPresent(gvrs::add);
    }
    memberObjects.watch(gvrs);
  }

  /** Step: apply every manifest in order; a failure is reported, not fatal to the others. */
  private List<ManifestResult> applyManifests(WorkView work, List<Target> targets) {
    List<ManifestResult> results = new ArrayList<>();
    for (Target t : targets) {
      Manifests.Indexed m = t.manifest();
      Optional<Gvr> gvr = t.gvr().isPresent() ? t.gvr() : mapper.find(m.apiVersion(), m.kind());
      if (gvr.isPresent() && t.gvr().isEmpty()) {
        memberObjects.watch(List.of(gvr.get()));
      }
      Target target = new Target(m, gvr);
      results.add(applyOne(work, target));
    }
    return results;
  }

  private ManifestResult applyOne(WorkView work, Target t) {
    Manifests.Indexed m = t.manifest();
    ObjectKey key = t.key();
    if (t.gvr().isEmpty()) {
      return new ManifestResult(
          m.ordinal(),
          null,
          m.apiVersion(),
          m.kind(),
          key.namespace(),
          m.name(),
          ApplyOutcome.FAILED,
          null,
          "the member cluster does not serve " + m.apiVersion() + " " + m.kind());
    }
    Gvr gvr = t.gvr().get();
    Optional<ObjectNode> cached = memberObjects.get(gvr, key.namespace(), key.name());
    if (cached.isPresent() && records.upToDate(work, key, cached.get())) {
      return result(
          m, gvr, key, new ManifestApplier.Applied(ApplyOutcome.NOOP, cached.get(), null));
    }
    ManifestApplier.Applied applied =
        applyAndRemember(work, gvr, key, m.manifest(), cached.orElse(null));
    return result(m, gvr, key, applied);
  }

  private ManifestApplier.Applied applyAndRemember(
      WorkView work, Gvr gvr, ObjectKey key, ObjectNode manifest, ObjectNode managed) {
    ManifestApplier.Applied applied;
    memberObjects.applying(gvr, key.namespace(), key.name());
    try {
      applied = applier.apply(work, gvr, manifest, managed);
    } catch (RuntimeException e) {
      applied = new ManifestApplier.Applied(ApplyOutcome.FAILED, null, ApiErrors.message(e));
    }
    String wrote =
        applied.outcome().failed()
                || applied.outcome() == ApplyOutcome.NOOP
                || applied.live() == null
            ? null
            : applied.live().path("metadata").path("resourceVersion").asText(null);
    if (memberObjects.applied(gvr, key.namespace(), key.name(), wrote)) {
      // The member's watch showed a version of the object other than ours while we wrote it.
      queue.add(work.name());
    }
    if (applied.outcome().failed()) {
      records.forget(work, key);
    } else {
      records.record(work, key, applied.live());
      ApplyOutcome outcome = applied.outcome();
      if (outcome != ApplyOutcome.NOOP) {
        LOG.atDebug().log(() -> NAME + ": " + outcome + " " + key + " for Work " + work.name());
      }
    }
    return applied;
  }

  private static ManifestResult result(
      Manifests.Indexed m, Gvr gvr, ObjectKey key, ManifestApplier.Applied applied) {
    return new ManifestResult(
        m.ordinal(),
        gvr,
        m.apiVersion(),
        m.kind(),
        key.namespace(),
        m.name(),
        applied.outcome(),
        applied.live(),
        applied.error());
  }

  /** Step: objects this Work applied earlier but no longer lists go (or are released). */
  private void pruneLeftovers(WorkView work, List<ManifestResult> results) {
    Set<ObjectKey> keep = new HashSet<>();
    for (ManifestResult r : results) {
      keep.add(ObjectKey.of(r.apiVersion(), r.kind(), r.namespace(), r.name()));
      if (r.gvr() == null) {
        // Scope unknown (kind not served): keep it under either reading.
        keep.add(ObjectKey.of(r.apiVersion(), r.kind(), "", r.name()));
        keep.add(ObjectKey.of(r.apiVersion(), r.kind(), "default", r.name()));
      }
    }
    for (ManifestResult r : pruner.prune(work, keep, work.preserveOnDeletion())) {
      LOG.atInfo().log(
          () ->
              NAME
                  + ": "
                  + r.outcome()
                  + " "
                  + r.describe()
                  + ", no longer in Work "
                  + work.name());
    }
  }

  /** A deleted Work: prune (or release) everything it applied, then drop the finalizer. */
  private Result finalizeDeletion(WorkView work) {
    if (!work.hasFinalizer()) {
      records.forget(work.name());
      return Result.DONE;
    }
    watchMemberObjects(work, resolveTargets(work));
    for (ManifestResult r : pruner.prune(work, Set.of(), work.preserveOnDeletion())) {
      LOG.atInfo().log(
          () -> NAME + ": " + r.outcome() + " " + r.describe() + " of deleted Work " + work.name());
    }
    hubWorks.removeFinalizer(work);
    records.forget(work.name());
    return Result.DONE;
  }

  @Override
  public void close() {
    queue.close();
    customizations.close();
    if (works != null) {
      works.stop();
    }
    memberObjects.close();
  }
}
