package dev.flotilla.controller.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler.Result;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;

/**
 * What unjoining a cluster leaves on the hub, cleaned up as Karmada's cluster controller and {@code
 * karmadactl unjoin} do: once the Cluster is gone, no agent will ever remove the execution
 * controller's finalizer from the Works in {@code karmada-es-<cluster>}, so they would stay forever
 * (and hold the namespace in Terminating). The finalizer is taken off every Work there and the
 * namespace is deleted, which deletes the Works. What the Works applied in the member is left as it
 * is: the member is no longer reachable through the hub.
 *
 * <p>Only for a cluster that has left: the caller saw its Cluster deleted, or the namespace holds
 * Works (something was distributed to it, so it had joined; its delete went unseen, e.g. while
 * another replica led). A Cluster merely absent is not enough: the namespace is made with the
 * agent's credential, before the agent creates its Cluster, and releasing it then took the agent's
 * Role in it away until the agent-RBAC controller restored it (transient 403s at the join).
 */
final class ExecutionSpaceRelease {
  private ExecutionSpaceRelease() {}

  /**
   * Releases {@code cluster}'s execution namespace if its Cluster is absent from the store and it
   * has left: {@code seenDeleted}, or Works are there.
   */
  static Result release(KubernetesClient hub, String cluster, boolean seenDeleted) {
    if (hub.genericKubernetesResources(Kinds.CLUSTER).withName(cluster).get() != null) {
      return Result.DONE; // joined again since the informer saw it go, or joined just now
    }
    String ns = Names.executionNamespace(cluster);
    if (hub.namespaces().withName(ns).get() == null) {
      return Result.DONE;
    }
    List<GenericKubernetesResource> works =
        hub.genericKubernetesResources(Kinds.WORK).inNamespace(ns).list().getItems();
    if (!seenDeleted && works.isEmpty()) {
      return Result.DONE; // not joined yet: its agent is about to create the Cluster
    }
    for (GenericKubernetesResource work : works) {
      ObjectNode tree = Trees.tree(work);
      if (!withoutFinalizer(tree)) {
        continue;
      }
      try {
        hub.genericKubernetesResources(Kinds.WORK)
            .inNamespace(ns)
            .resource(Trees.generic(tree))
            .update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          continue;
        }
        if (e.getCode() == 409) {
          return Result.after(Duration.ofSeconds(1)); // changed meanwhile: read it again
        }
        throw e;
      }
    }
    hub.namespaces().withName(ns).delete();
    return Result.DONE;
  }

  /** Drops the execution controller's finalizer from {@code work}; false if it had none. */
  private static boolean withoutFinalizer(ObjectNode work) {
    JsonNode finalizers = work.path("metadata").path("finalizers");
    ArrayNode kept = Trees.MAPPER.createArrayNode();
    for (JsonNode f : finalizers) {
      if (!Names.EXECUTION_CONTROLLER_FINALIZER.equals(f.asText())) {
        kept.add(f);
      }
    }
    if (kept.size() == finalizers.size()) {
      return false;
    }
    ((ObjectNode) work.get("metadata")).set("finalizers", kept);
    return true;
  }
}
