package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.MergePatch;
import dev.flotilla.controller.runtime.Namespaces;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The hub's own ServiceImport of an exported service: created and kept in line with the merged view
 * when the controller made it, only its {@code status.clusters} when a user did (Karmada style,
 * where the user applies it to the hub).
 */
final class HubServiceImports {
  private static final List<String> OPTIONAL_IMPORT_FIELDS =
      List.of(
          "sessionAffinityConfig", "internalTrafficPolicy", "trafficDistribution", "ipFamilies");

  private final KubernetesClient hub;
  private final SharedIndexInformer<GenericKubernetesResource> imports;

  HubServiceImports(KubernetesClient hub, SharedIndexInformer<GenericKubernetesResource> imports) {
    this.hub = hub;
    this.imports = imports;
  }

  /** The hub's ServiceImport: ours follows the merged view; a user's gets status only. */
  void sync(String ns, String svc, ServiceMerge.Result merged, List<ServiceMerge.Export> sources) {
    GenericKubernetesResource cached = imports.getStore().getByKey(ns + "/" + svc);
    boolean ours =
        cached != null
            && cached.getMetadata().getAnnotations() != null
            && McsNames.CONTROLLER.equals(
                cached.getMetadata().getAnnotations().get(McsNames.MANAGED_BY_ANNOTATION));
    var op = hub.genericKubernetesResources(McsHubController.SERVICE_IMPORT).inNamespace(ns);
    if (merged == null) {
      if (ours) {
        try {
          op.withName(svc).delete();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
        }
      } else if (cached != null) {
        writeImportStatus(ns, svc, Trees.tree(cached), List.of());
      }
      return;
    }
    ObjectNode spec = Trees.MAPPER.createObjectNode();
    spec.put("type", merged.headless() ? "Headless" : "ClusterSetIP");
    spec.set("ports", merged.ports().deepCopy());
    DerivedWorks.copyTrafficProperties(merged, spec);
    if (cached == null && userManagedOnHub(ns, svc)) {
      return; // the user will create the hub ServiceImport; creating it first races their apply
    }
    if (cached == null) {
      Namespaces.ensure(hub, ns);
      ObjectNode si = Trees.MAPPER.createObjectNode();
      si.put("apiVersion", "multicluster.x-k8s.io/v1beta1");
      si.put("kind", "ServiceImport");
      ObjectNode meta = si.putObject("metadata");
      meta.put("name", svc);
      meta.put("namespace", ns);
      meta.putObject("annotations").put(McsNames.MANAGED_BY_ANNOTATION, McsNames.CONTROLLER);
      si.set("spec", spec);
      try {
        cached = op.resource(Trees.generic(si)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        cached = op.withName(svc).get();
      }
    } else if (ours && !spec.equals(Trees.tree(cached).path("spec"))) {
      ObjectNode patch = Trees.MAPPER.createObjectNode();
      ObjectNode patchSpec = spec.deepCopy();
      for (String f : OPTIONAL_IMPORT_FIELDS) {
        if (!patchSpec.has(f) && Trees.tree(cached).path("spec").has(f)) {
          patchSpec.putNull(f); // a merge patch removes a field only when told to
        }
      }
      patch.set("spec", patchSpec);
      cached =
          MergePatch.apply(hub, McsHubController.SERVICE_IMPORT, ns, svc, null, patch.toString());
    }
    List<String> names = new ArrayList<>();
    sources.forEach(s -> names.add(s.cluster()));
    writeImportStatus(ns, svc, Trees.tree(cached), names);
  }

  /**
   * Whether the service is exported through the hub (Karmada style: a ServiceExport on the hub,
   * propagated by policy), where the ServiceImport is the user's to create too.
   */
  private boolean userManagedOnHub(String ns, String svc) {
    try {
      return hub.genericKubernetesResources(McsHubController.SERVICE_EXPORT)
              .inNamespace(ns)
              .withName(svc)
              .get()
          != null;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false; // the MCS CRDs are not installed on the hub
      }
      throw e;
    }
  }

  private void writeImportStatus(String ns, String svc, ObjectNode si, List<String> clusterNames) {
    ArrayNode clustersNode = Trees.MAPPER.createArrayNode();
    new TreeSet<>(clusterNames).forEach(c -> clustersNode.addObject().put("cluster", c));
    if (clustersNode.equals(si.path("status").path("clusters"))
        || (clustersNode.isEmpty() && si.path("status").path("clusters").isMissingNode())) {
      return;
    }
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    patch.putObject("status").set("clusters", clustersNode);
    MergePatch.apply(hub, McsHubController.SERVICE_IMPORT, ns, svc, "status", patch.toString());
  }
}
