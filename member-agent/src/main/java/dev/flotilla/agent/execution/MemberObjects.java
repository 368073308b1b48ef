package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.Json;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on the member for every resource type the agent has applied, limited to objects
 * labelled {@code karmada.io/managed=true}. Their events enqueue the Work named in the object's
 * annotations (so Work status follows the member, and deleted or edited objects are restored);
 * their caches answer "what did this Work apply" for pruning and status.
 */
final class MemberObjects implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemberObjects.class);
  private static final String BY_WORK = "work";
  private static final long SYNC_TIMEOUT_SECONDS = 30;

  /** A cached member object with the resource it came from. */
  record Cached(Gvr gvr, ObjectNode object) {}

  private final KubernetesClient member;
  private final String workNamespace;
  private final Consumer<String> enqueueWork;
  private final Map<Gvr, Watched> informers = new ConcurrentHashMap<>();
  private final OwnApplies ownApplies = new OwnApplies();

  private record Watched(
      SharedIndexInformer<GenericKubernetesResource> informer, CompletableFuture<Void> started) {}

  MemberObjects(KubernetesClient member, String workNamespace, Consumer<String> enqueueWork) {
    this.member = member;
    this.workNamespace = workNamespace;
    this.enqueueWork = enqueueWork;
  }

  /**
   * Starts informers for the given resources if needed and waits until all have listed; a resource
   * the member does not serve (404) is skipped. Throws if one fails otherwise.
   */
  void watch(Collection<Gvr> gvrs) {
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (Gvr gvr : gvrs) {
      Watched watched = informers.computeIfAbsent(gvr, this::startInformer);
      if (!watched.informer().hasSynced()) {
        starting.add(
            watched
                .started()
                .exceptionally(
                    e -> {
                      informers.remove(gvr, watched);
                      watched.informer().stop();
                      if (!ApiErrors.isNotFound(e)) {
                        throw new IllegalStateException(
                            "cannot watch " + gvr + " in the member: " + ApiErrors.message(e), e);
                      }
                      return null;
                    }));
      }
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new))
          .get(SYNC_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("member informers did not sync: " + e.getMessage(), e);
    }
  }

  private Watched startInformer(Gvr gvr) {
    SharedIndexInformer<GenericKubernetesResource> informer = newInformer(gvr);
    return new Watched(informer, informer.start().toCompletableFuture());
  }

  private SharedIndexInformer<GenericKubernetesResource> newInformer(Gvr gvr) {
    var op = member.genericKubernetesResources(gvr.context());
    var filtered =
        gvr.namespaced()
            ? op.inAnyNamespace().withLabel(KarmadaMarks.MANAGED_LABEL, KarmadaMarks.MANAGED_VALUE)
            : op.withLabel(KarmadaMarks.MANAGED_LABEL, KarmadaMarks.MANAGED_VALUE);
    SharedIndexInformer<GenericKubernetesResource> informer = filtered.runnableInformer(0);
    informer.addIndexers(
        Map.of(
            BY_WORK,
            obj -> {
              String work = workOf(obj);
              return work == null ? List.of() : List.of(work);
            }));
    // Keep retrying through member outages, but give up at once on a resource that is gone.
    informer.exceptionHandler(
        (started, t) ->
            !ExceptionHandler.isDeserializationException(t)
                && (started || !ApiErrors.isNotFound(t)));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            if (!ownApplies.echo(key(gvr, obj), obj.getMetadata().getResourceVersion())) {
              enqueue(obj);
            }
          }

          @Override
          public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
            if (java.util.Objects.equals(workOf(oldObj), workOf(newObj))
                && ownApplies.echo(key(gvr, newObj), newObj.getMetadata().getResourceVersion())) {
              return; // our own apply, whose reconcile already saw this version
            }
            enqueue(oldObj);
            enqueue(newObj);
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
            ownApplies.forget(key(gvr, obj));
            enqueue(obj);
          }
        });
    LOG.atDebug().log(() -> "watching member " + gvr);
    return informer;
  }

  /**
   * The agent is about to apply this object: its watch events are held until {@link #applied} (see
   * {@link OwnApplies}).
   */
  void applying(Gvr gvr, String namespace, String name) {
    ownApplies.applying(key(gvr, namespace, name));
  }

  /**
   * The agent's own apply of an object returned {@code resourceVersion} (null: it failed or wrote
   * nothing): the watch event of that version queues no reconcile (see {@link OwnApplies}). True
   * when the watch showed another version meanwhile, which the caller queues its Work for.
   */
  boolean applied(Gvr gvr, String namespace, String name, String resourceVersion) {
    return ownApplies.applied(key(gvr, namespace, name), resourceVersion);
  }

  private static String key(Gvr gvr, GenericKubernetesResource obj) {
    return key(gvr, obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  private static String key(Gvr gvr, String namespace, String name) {
    return gvr + "|" + (namespace == null ? "" : namespace) + "|" + name;
  }

  /** The Work name if the object was applied by a Work of this cluster's namespace. */
  private String workOf(GenericKubernetesResource obj) {
    Map<String, String> annotations = obj.getMetadata().getAnnotations();
    if (annotations == null
        || !workNamespace.equals(annotations.get(KarmadaMarks.WORK_NAMESPACE))) {
      return null;
    }
    return annotations.get(KarmadaMarks.WORK_NAME);
  }

  private void enqueue(GenericKubernetesResource obj) {
    String work = workOf(obj);
    if (work != null) {
      enqueueWork.accept(work);
    }
  }

  /** The cached object, if its informer is running and has it. */
  Optional<ObjectNode> get(Gvr gvr, String namespace, String name) {
    Watched watched = informers.get(gvr);
    if (watched == null || !watched.informer().hasSynced()) {
      return Optional.empty();
    }
    SharedIndexInformer<GenericKubernetesResource> informer = watched.informer();
    String key = namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    GenericKubernetesResource obj = informer.getStore().getByKey(key);
    return Optional.ofNullable(obj).map(Json::tree);
  }

  /** True when the resource's informer has listed, so {@link #get} answers are meaningful. */
  boolean synced(Gvr gvr) {
    Watched watched = informers.get(gvr);
    return watched != null && watched.informer().hasSynced();
  }

  /** Every cached object that names {@code workName} (of this cluster's namespace). */
  List<Cached> appliedBy(String workName) {
    List<Cached> out = new ArrayList<>();
    informers.forEach(
        (gvr, watched) -> {
          if (watched.informer().hasSynced()) {
            for (GenericKubernetesResource obj :
                watched.informer().getIndexer().byIndex(BY_WORK, workName)) {
              out.add(new Cached(gvr, Json.tree(obj)));
            }
          }
        });
    return out;
  }

  @Override
  public void close() {
    informers.values().forEach(w -> w.informer().stop());
    informers.clear();
  }
}
