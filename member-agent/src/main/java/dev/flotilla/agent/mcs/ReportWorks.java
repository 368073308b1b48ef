package dev.flotilla.agent.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.names.McsNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;

/**
 * The suspended Works an agent writes into its execution namespace on the hub to report its MCS
 * exports and imports: their shape, and a create-or-update that writes only when they differ.
 */
final class ReportWorks {
  private ReportWorks() {}

  /** A suspended report Work in the agent's execution namespace, with no manifests yet. */
  static ObjectNode work(String namespace, String workName, String role, String ns, String name) {
    ObjectNode work = Json.object();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put("name", workName);
    meta.put("namespace", namespace);
    ObjectNode labels = meta.putObject("labels");
    labels.put(McsNames.ROLE, role);
    labels.put(McsNames.SERVICE_NAMESPACE, ns);
    labels.put(McsNames.SERVICE_NAME, name);
    meta.putObject("annotations");
    ObjectNode spec = work.putObject("spec");
    spec.put("suspendDispatching", true);
    spec.putObject("workload").putArray("manifests");
    return work;
  }

  static ArrayNode manifests(ObjectNode work) {
    return (ArrayNode) work.path("spec").path("workload").path("manifests");
  }

  /** Creates the Work, or updates its spec, labels and annotations when they differ. */
  static void upsert(
      KubernetesClient hub,
      SharedIndexInformer<GenericKubernetesResource> works,
      ObjectNode desired) {
    String workName = Json.name(desired);
    String namespace = Json.namespace(desired);
    GenericKubernetesResource existing = works.getStore().getByKey(namespace + "/" + workName);
    var op = hub.genericKubernetesResources(HubResources.WORKS).inNamespace(namespace);
    if (existing == null) {
      try {
        op.resource(Json.generic(desired)).create();
        return;
      } catch (RuntimeException e) {
        if (!ApiErrors.isAlreadyExists(e)) {
          throw e;
        }
        existing = op.withName(workName).get();
        if (existing == null) {
          throw e;
        }
      }
    }
    ObjectNode have = Json.tree(existing);
    if (have.path("spec").equals(desired.path("spec"))
        && contains(have.path("metadata").path("labels"), desired.path("metadata").path("labels"))
        && contains(
            have.path("metadata").path("annotations"),
            desired.path("metadata").path("annotations"))) {
      return;
    }
    have.set("spec", desired.get("spec"));
    Json.child(Json.metadata(have), "labels")
        .setAll((ObjectNode) desired.path("metadata").path("labels"));
    Json.child(Json.metadata(have), "annotations")
        .setAll((ObjectNode) desired.path("metadata").path("annotations"));
    op.resource(Json.generic(have)).update();
  }

  private static boolean contains(JsonNode have, JsonNode want) {
    var it = want.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!Objects.equals(e.getValue(), have.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Deletes the Work if the informer has it; already gone is fine. */
  static void delete(
      KubernetesClient hub,
      SharedIndexInformer<GenericKubernetesResource> works,
      String namespace,
      String workName) {
    if (works.getStore().getByKey(namespace + "/" + workName) == null) {
      return;
    }
    try {
      hub.genericKubernetesResources(HubResources.WORKS)
          .inNamespace(namespace)
          .withName(workName)
          .delete();
    } catch (RuntimeException e) {
      if (!ApiErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}
