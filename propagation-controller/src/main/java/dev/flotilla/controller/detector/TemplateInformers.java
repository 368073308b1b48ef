package dev.flotilla.controller.detector;

import dev.flotilla.controller.runtime.CompactItemStore;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer per template kind that some policy selects, started on demand: the detector only
 * watches kinds a policy could claim, never the whole hub.
 */
final class TemplateInformers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TemplateInformers.class);

  private final KubernetesClient hub;
  private final Controller controller;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> byGvk =
      new ConcurrentHashMap<>();

  /**
   * Per template key, the resourceVersion of a change beyond status that this process saw and the
   * detector has not yet carried into the binding. Without one, a binding whose recorded template
   * version is older differs from the template only by status writes (or by a change made before
   * this process started, which the binding controller renders from the template it reads anyway),
   * so the detector leaves the recorded version alone instead of rewriting every such binding when
   * a restarted hub lists its templates.
   */
  private final Map<String, String> changed = new ConcurrentHashMap<>();

  TemplateInformers(KubernetesClient hub, Controller controller) {
    this.hub = hub;
    this.controller = controller;
  }

  /**
   * Starts the informer for apiVersion/kind if needed; false if the hub does not serve it (yet).
   */
  synchronized boolean ensure(String apiVersion, String kind) {
    String gvk = apiVersion + "/" + kind;
    if (byGvk.containsKey(gvk)) {
      return true;
    }
    try {
      SharedIndexInformer<GenericKubernetesResource> informer =
          hub.genericKubernetesResources(apiVersion, kind)
              .inAnyNamespace()
              .withLimit(dev.flotilla.controller.runtime.HubInformers.LIST_PAGE)
              .runnableInformer(0);
      // Templates are the hub's most numerous objects with bindings and Works: kept compact.
      informer.itemStore(new CompactItemStore());
      informer.addEventHandler(handler(apiVersion, kind));
      try {
        informer.run();
      } catch (RuntimeException e) {
        informer.close();
        throw e;
      }
      byGvk.put(gvk, informer);
      return true;
    } catch (KubernetesClientException | IllegalArgumentException e) {
      LOG.debug("not watching " + gvk + " yet: " + e.getMessage());
      return false;
    }
  }

  Optional<GenericKubernetesResource> get(TemplateRef ref) {
    SharedIndexInformer<GenericKubernetesResource> informer = byGvk.get(ref.gvk());
    if (informer == null) {
      return Optional.empty();
    }
    String key = ref.namespace() == null ? ref.name() : ref.namespace() + "/" + ref.name();
    return Optional.ofNullable(informer.getIndexer().getByKey(key));
  }

  /**
   * Every cached template of a kind, from the cache's keys: none is decoded. A policy event (each
   * policy, as a restarted hub lists them) re-examines every template of its kinds, and decoding
   * them all to read their names cost a decode of every template per policy, and held them all on
   * the heap at once.
   */
  List<TemplateRef> refs(String apiVersion, String kind) {
    SharedIndexInformer<GenericKubernetesResource> informer = byGvk.get(apiVersion + "/" + kind);
    if (informer == null) {
      return List.of();
    }
    List<TemplateRef> out = new ArrayList<>();
    for (String key : informer.getIndexer().listKeys()) {
      int slash = key.indexOf('/'); // "namespace/name", or "name" when cluster-scoped
      out.add(
          slash < 0
              ? new TemplateRef(apiVersion, kind, null, key)
              : new TemplateRef(
                  apiVersion, kind, key.substring(0, slash), key.substring(slash + 1)));
    }
    return out;
  }

  java.util.Set<String> kinds() {
    return byGvk.keySet();
  }

  ResourceEventHandler<GenericKubernetesResource> handler(String apiVersion, String kind) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource obj) {
        controller.enqueueArrival(ref(obj).key());
      }

      @Override
      public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
        // As Karmada's detector: a status-only update (our own aggregated status, above all)
        // changes neither the claim nor the binding; reacting would rewrite the binding's
        // resourceVersion and start the scheduler and binding controller on every status round.
        String key = ref(newObj).key();
        if (java.util.Objects.equals(
            oldObj.getMetadata().getResourceVersion(), newObj.getMetadata().getResourceVersion())) {
          // A relist (after a watch ended) replays what the cache holds: look again, but it is no
          // change. Marking it one made the binding record the template's newest version, which
          // after status writes moved the binding and rescheduled it for nothing.
          controller.enqueue(key);
        } else if (!statusOnly(oldObj, newObj)) {
          changed.put(key, String.valueOf(newObj.getMetadata().getResourceVersion()));
          controller.enqueue(key);
        }
      }

      @Override
      public void onDelete(GenericKubernetesResource obj, boolean unknown) {
        changed.remove(ref(obj).key());
        controller.enqueue(ref(obj).key());
      }

      private TemplateRef ref(GenericKubernetesResource obj) {
        return new TemplateRef(
            apiVersion, kind, obj.getMetadata().getNamespace(), obj.getMetadata().getName());
      }
    };
  }

  /** The version of the last unsynced change beyond status seen for {@code ref}, or null. */
  String changeSeen(TemplateRef ref) {
    return changed.get(ref.key());
  }

  /** The binding now records {@code version} (from {@link #changeSeen}) or a later one. */
  void changeSynced(TemplateRef ref, String version) {
    if (version != null) {
      changed.remove(ref.key(), version);
    }
  }

  /**
   * True when the two versions differ only in status, resourceVersion and managedFields. Numbers
   * compare by value: the cached copy and the watched one are decoded apart, and one may hold a
   * number as an int where the other holds a long (every aggregated status write of a Deployment
   * looked like a spec change and rewrote its binding).
   */
  static boolean statusOnly(GenericKubernetesResource before, GenericKubernetesResource after) {
    if (java.util.Objects.equals(
        before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
      return false; // a resync: look again
    }
    return Trees.same(withoutVolatileParts(before), withoutVolatileParts(after));
  }

  private static com.fasterxml.jackson.databind.JsonNode withoutVolatileParts(
      GenericKubernetesResource r) {
    com.fasterxml.jackson.databind.node.ObjectNode tree = Trees.tree(r);
    tree.remove("status");
    com.fasterxml.jackson.databind.node.ObjectNode meta = tree.with("metadata");
    meta.remove("resourceVersion");
    meta.remove("managedFields");
    return tree;
  }

  @Override
  public void close() {
    byGvk.values().forEach(SharedIndexInformer::close);
  }
}
