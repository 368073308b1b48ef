package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hub's MCS controller, keyed by (namespace, service): merges the exports agents report, writes
 * Ready/Conflict onto each report Work, withdraws the endpoints of clusters that are not Ready, and
 * for every consumer that reported an import writes a Work {@code mcs-derived-<ns>-<svc>} holding
 * the derived Service and one EndpointSlice set per source cluster. A hub ServiceImport mirrors the
 * merged view (only its status when a user created it).
 */
public final class McsHubController implements Reconciler, AutoCloseable {
  public static final String NAME = "mcs-controller";
  public static final String DEFAULT_PREFIX = "derived-";
  public static final ResourceDefinitionContext SERVICE_EXPORT =
      Kinds.ctx("multicluster.x-k8s.io", "v1beta1", "ServiceExport", "serviceexports", true);
  public static final ResourceDefinitionContext SERVICE_IMPORT =
      Kinds.ctx("multicluster.x-k8s.io", "v1beta1", "ServiceImport", "serviceimports", true);

  private static final String BY_SERVICE = "mcs-service";
  private static final List<String> OPTIONAL_IMPORT_FIELDS =
      List.of(
          "sessionAffinityConfig", "internalTrafficPolicy", "trafficDistribution", "ipFamilies");
  // Reconciles are mostly waiting on hub round trips; more workers overlap them.
  private static final int WORKERS = 4;

  private final KubernetesClient hub;
  private final String prefix;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> works;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final ClusterReadinessHandler readiness;
  private final SharedIndexInformer<GenericKubernetesResource> imports;

  public McsHubController(KubernetesClient hub, String derivedPrefix) {
    this.hub = hub;
    this.prefix = derivedPrefix == null ? DEFAULT_PREFIX : derivedPrefix;
    this.controller = new Controller(NAME, this, WORKERS);
    this.readiness = new ClusterReadinessHandler(controller, this::servicesOf);
    this.works =
        hub.genericKubernetesResources(Kinds.WORK)
            .inAnyNamespace()
            .withLabel(McsLabels.ROLE)
            .inform(new EnqueueHandler<>(controller, McsHubController::keyOf));
    // Reconciles read only the Works of their own service: an index keeps that O(service), not
    // O(every MCS Work in the fleet), which matters at thousands of exported services.
    works.addIndexers(Map.of(BY_SERVICE, McsHubController::keyOf));
    this.clusters = hub.genericKubernetesResources(Kinds.CLUSTER).inform(readiness);
    this.imports =
        hub.genericKubernetesResources(SERVICE_IMPORT)
            .inAnyNamespace()
            .inform(EnqueueHandler.self(controller));
    controller.start();
  }

  private static List<String> keyOf(GenericKubernetesResource w) {
    Map<String, String> labels = w.getMetadata().getLabels();
    if (labels == null || labels.get(McsLabels.SERVICE_NAME) == null) {
      return List.of();
    }
    return List.of(
        labels.get(McsLabels.SERVICE_NAMESPACE) + "/" + labels.get(McsLabels.SERVICE_NAME));
  }

  /** The services with an MCS Work in the cluster's execution namespace. */
  private List<String> servicesOf(String cluster) {
    Set<String> keys = new LinkedHashSet<>();
    for (GenericKubernetesResource w :
        works.getIndexer().byIndex(Cache.NAMESPACE_INDEX, McsLabels.EXECUTION_PREFIX + cluster)) {
      keys.addAll(keyOf(w));
    }
    return new ArrayList<>(keys);
  }

  @Override
  public Result reconcile(String key) {
    int slash = key.indexOf('/');
    String ns = key.substring(0, slash);
    String svc = key.substring(slash + 1);
    List<ServiceMerge.Export> exports = new ArrayList<>();
    Map<String, GenericKubernetesResource> exportWorks = new HashMap<>();
    Set<String> consumers = new TreeSet<>();
    Map<String, GenericKubernetesResource> derived = new HashMap<>();
    for (GenericKubernetesResource w : works.getIndexer().byIndex(BY_SERVICE, key)) {
      Map<String, String> labels = w.getMetadata().getLabels();
      String workNs = w.getMetadata().getNamespace();
      if (!workNs.startsWith(McsLabels.EXECUTION_PREFIX)) {
        continue;
      }
      String cluster = workNs.substring(McsLabels.EXECUTION_PREFIX.length());
      boolean deleting = w.getMetadata().getDeletionTimestamp() != null;
      switch (labels.get(McsLabels.ROLE)) {
        case "export" -> {
          if (!deleting) {
            exports.add(toExport(cluster, w));
            exportWorks.put(cluster, w);
          }
        }
        case "import" -> {
          if (!deleting) {
            consumers.add(cluster);
          }
        }
        case "derived" -> derived.put(cluster, w);
        default -> {}
      }
    }
    ServiceMerge.Result merged = ServiceMerge.merge(exports);
    Set<String> ready = ClusterReadinessHandler.readyClusters(clusters);
    for (ServiceMerge.Export e : exports) {
      writeExportStatus(exportWorks.get(e.cluster()), e, merged, ready);
    }
    List<ServiceMerge.Export> sources = new ArrayList<>();
    for (ServiceMerge.Export e : merged.exports()) {
      if (ready.contains(e.cluster())) {
        sources.add(e);
      }
    }
    boolean exported = !merged.exports().isEmpty();
    for (String consumer : consumers) {
      if (exported) {
        upsertWork(derivedWork(consumer, ns, svc, merged, sources), derived.remove(consumer));
      }
    }
    for (Map.Entry<String, GenericKubernetesResource> stale : derived.entrySet()) {
      if (!exported || !consumers.contains(stale.getKey())) {
        delete(stale.getValue());
      }
    }
    syncHubImport(ns, svc, exported ? merged : null, sources);
    return Result.DONE;
  }

  private static ServiceMerge.Export toExport(String cluster, GenericKubernetesResource w) {
    ObjectNode work = Trees.tree(w);
    String created = Trees.text(work, "metadata", "annotations", McsLabels.EXPORT_CREATED);
    JsonNode service = Trees.MAPPER.createObjectNode();
    List<JsonNode> slices = new ArrayList<>();
    for (JsonNode m : work.path("spec").path("workload").path("manifests")) {
      switch (m.path("kind").asText()) {
        case "Service" -> service = m;
        case "EndpointSlice" -> slices.add(m);
        case "ServiceExport" -> {
          if (created == null) {
            created = Trees.text(m, "metadata", "creationTimestamp");
          }
        }
        default -> {}
      }
    }
    return new ServiceMerge.Export(cluster, created, service, slices);
  }

  private void writeExportStatus(
      GenericKubernetesResource w,
      ServiceMerge.Export e,
      ServiceMerge.Result merged,
      Set<String> ready) {
    ObjectNode work = Trees.tree(w);
    JsonNode old = work.path("status").path("conditions");
    boolean external = "ExternalName".equals(e.type());
    ServiceMerge.Conflict conflict = merged.conflicts().get(e.cluster());
    ArrayNode next = Trees.MAPPER.createArrayNode();
    if (external) {
      next.add(
          cond(
              old,
              "Ready",
              "False",
              "Failed",
              "ExternalName Services are not exported (see the Valid condition)"));
    } else if (!ready.contains(e.cluster())) {
      next.add(
          cond(
              old,
              "Ready",
              "False",
              "Pending",
              "cluster " + e.cluster() + " is not Ready: its endpoints are withdrawn"));
    } else {
      next.add(cond(old, "Ready", "True", "Exported", "the Service is exported to the clusterset"));
    }
    next.add(
        conflict == null
            ? cond(old, "Conflict", "False", "NoConflicts", "")
            : cond(old, "Conflict", "True", conflict.reason(), conflict.message()));
    for (JsonNode c : old) {
      String type = c.path("type").asText();
      if (!type.equals("Ready") && !type.equals("Conflict")) {
        next.add(c);
      }
    }
    if (sameConditions(old, next)) {
      return;
    }
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    patch.putObject("status").set("conditions", next);
    hub.genericKubernetesResources(Kinds.WORK)
        .inNamespace(w.getMetadata().getNamespace())
        .withName(w.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static boolean sameConditions(JsonNode old, ArrayNode next) {
    if (old.size() != next.size()) {
      return false;
    }
    for (JsonNode n : next) {
      JsonNode o = find(old, n.path("type").asText());
      if (o == null || !o.equals(n)) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode find(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  private static ObjectNode cond(
      JsonNode old, String type, String status, String reason, String message) {
    ObjectNode c = Trees.MAPPER.createObjectNode();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", message);
    JsonNode prev = find(old, type);
    c.put(
        "lastTransitionTime",
        prev != null
                && status.equals(prev.path("status").asText())
                && prev.has("lastTransitionTime")
            ? prev.path("lastTransitionTime").asText()
            : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return c;
  }

  /** The derived Service and slices for one consumer, as a Work in its execution namespace. */
  ObjectNode derivedWork(
      String consumer,
      String ns,
      String svc,
      ServiceMerge.Result merged,
      List<ServiceMerge.Export> sources) {
    String derivedName = McsLabels.truncate(prefix + svc, 63);
    ObjectNode work = Trees.MAPPER.createObjectNode();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put("name", McsLabels.workName("mcs-derived", ns, svc));
    meta.put("namespace", McsLabels.EXECUTION_PREFIX + consumer);
    ObjectNode labels = meta.putObject("labels");
    labels.put(McsLabels.ROLE, "derived");
    labels.put(McsLabels.SERVICE_NAMESPACE, ns);
    labels.put(McsLabels.SERVICE_NAME, svc);
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(McsLabels.DERIVED_SERVICE, derivedName);
    List<String> sourceNames = new ArrayList<>();
    sources.forEach(s -> sourceNames.add(s.cluster()));
    annotations.put(McsLabels.SOURCE_CLUSTERS, String.join(",", new TreeSet<>(sourceNames)));
    ArrayNode manifests = work.putObject("spec").putObject("workload").putArray("manifests");
    ObjectNode service = manifests.addObject();
    service.put("apiVersion", "v1");
    service.put("kind", "Service");
    ObjectNode smeta = service.putObject("metadata");
    smeta.put("name", derivedName);
    smeta.put("namespace", ns);
    smeta.putObject("labels").put(McsLabels.MCS_SERVICE_NAME, svc);
    ObjectNode spec = service.putObject("spec");
    spec.put("type", "ClusterIP");
    if (merged.headless()) {
      spec.put("clusterIP", "None");
    }
    ArrayNode ports = spec.putArray("ports");
    for (JsonNode p : merged.ports()) {
      ObjectNode q = ports.addObject();
      q.setAll((ObjectNode) p);
    }
    if (ports.isEmpty() && !merged.headless()) {
      ports.addObject().put("name", "none").put("protocol", "TCP").put("port", 1);
    }
    copyTrafficProperties(merged, spec);
    // internalTrafficPolicy=Local on a Service whose endpoints are all in other clusters would
    // drop every packet: the property stays on the ServiceImport only.
    spec.remove("internalTrafficPolicy");
    // The consumer chooses its own families: an exporter's IPv6 or dual stack would be refused by
    // a single-stack consumer, and a primary family cannot change once the Service exists.
    spec.remove("ipFamilies");
    for (ServiceMerge.Export source : sources) {
      List<JsonNode> slices = source.slices();
      for (int i = 0; i < slices.size(); i++) {
        JsonNode s = slices.get(i);
        ObjectNode slice = manifests.addObject();
        slice.put("apiVersion", "discovery.k8s.io/v1");
        slice.put("kind", "EndpointSlice");
        ObjectNode m = slice.putObject("metadata");
        m.put(
            "name",
            McsLabels.truncate(
                prefix + svc + "-" + source.cluster() + (slices.size() > 1 ? "-" + i : ""), 63));
        m.put("namespace", ns);
        ObjectNode l = m.putObject("labels");
        l.put(McsLabels.KUBE_SERVICE_NAME, derivedName);
        l.put(McsLabels.MCS_SERVICE_NAME, svc);
        l.put(McsLabels.MCS_SOURCE_CLUSTER, source.cluster());
        l.put(McsLabels.SLICE_MANAGED_BY, McsLabels.CONTROLLER);
        slice.put("addressType", s.path("addressType").asText("IPv4"));
        ArrayNode endpoints = slice.putArray("endpoints");
        for (JsonNode e : s.path("endpoints")) {
          ObjectNode ep = e.deepCopy();
          if (!merged.headless()) {
            ep.remove("hostname");
          }
          endpoints.add(ep);
        }
        slice.set(
            "ports",
            s.path("ports").isArray() ? s.get("ports").deepCopy() : Trees.MAPPER.createArrayNode());
      }
    }
    return work;
  }

  /** Affinity and traffic properties, as the derived Service and the ServiceImport both carry. */
  private static void copyTrafficProperties(ServiceMerge.Result merged, ObjectNode spec) {
    spec.put("sessionAffinity", merged.sessionAffinity());
    if (merged.sessionAffinityConfig() != null && !merged.headless()) {
      spec.set("sessionAffinityConfig", merged.sessionAffinityConfig().deepCopy());
    }
    if (!merged.internalTrafficPolicy().isMissingNode()) {
      spec.set("internalTrafficPolicy", merged.internalTrafficPolicy().deepCopy());
    }
    if (!merged.trafficDistribution().isMissingNode()) {
      spec.set("trafficDistribution", merged.trafficDistribution().deepCopy());
    }
    if (!merged.ipFamilies().isMissingNode()) {
      spec.set("ipFamilies", merged.ipFamilies().deepCopy());
    }
  }

  private void upsertWork(ObjectNode desired, GenericKubernetesResource existing) {
    String ns = Trees.text(desired, "metadata", "namespace");
    var op = hub.genericKubernetesResources(Kinds.WORK).inNamespace(ns);
    if (existing == null) {
      try {
        op.resource(Trees.generic(desired)).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        existing = op.withName(Trees.text(desired, "metadata", "name")).get();
        if (existing == null) {
          throw e;
        }
      }
    }
    ObjectNode have = Trees.tree(existing);
    if (have.path("spec").equals(desired.path("spec"))
        && have.path("metadata")
            .path("annotations")
            .path(McsLabels.SOURCE_CLUSTERS)
            .equals(desired.path("metadata").path("annotations").path(McsLabels.SOURCE_CLUSTERS))
        && have.path("metadata")
            .path("annotations")
            .path(McsLabels.DERIVED_SERVICE)
            .equals(desired.path("metadata").path("annotations").path(McsLabels.DERIVED_SERVICE))) {
      return;
    }
    have.set("spec", desired.get("spec"));
    have.with("metadata")
        .with("labels")
        .setAll((ObjectNode) desired.path("metadata").path("labels"));
    have.with("metadata")
        .with("annotations")
        .setAll((ObjectNode) desired.path("metadata").path("annotations"));
    op.resource(Trees.generic(have)).update();
  }

  private void delete(GenericKubernetesResource w) {
    if (w.getMetadata().getDeletionTimestamp() != null) {
      return;
    }
    try {
      hub.genericKubernetesResources(Kinds.WORK)
          .inNamespace(w.getMetadata().getNamespace())
          .withName(w.getMetadata().getName())
          .delete();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /** The hub's ServiceImport: ours follows the merged view; a user's gets status only. */
  private void syncHubImport(
      String ns, String svc, ServiceMerge.Result merged, List<ServiceMerge.Export> sources) {
    GenericKubernetesResource cached = imports.getStore().getByKey(ns + "/" + svc);
    boolean ours =
        cached != null
            && cached.getMetadata().getAnnotations() != null
            && McsLabels.CONTROLLER.equals(
                cached.getMetadata().getAnnotations().get(McsLabels.MANAGED_BY_ANNOTATION));
    var op = hub.genericKubernetesResources(SERVICE_IMPORT).inNamespace(ns);
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
    copyTrafficProperties(merged, spec);
    if (cached == null && userManagedOnHub(ns, svc)) {
      return; // the user will create the hub ServiceImport; creating it first races their apply
    }
    if (cached == null) {
      ensureNamespace(ns);
      ObjectNode si = Trees.MAPPER.createObjectNode();
      si.put("apiVersion", "multicluster.x-k8s.io/v1beta1");
      si.put("kind", "ServiceImport");
      ObjectNode meta = si.putObject("metadata");
      meta.put("name", svc);
      meta.put("namespace", ns);
      meta.putObject("annotations").put(McsLabels.MANAGED_BY_ANNOTATION, McsLabels.CONTROLLER);
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
      cached = op.withName(svc).patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
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
      return hub.genericKubernetesResources(SERVICE_EXPORT).inNamespace(ns).withName(svc).get()
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
    hub.genericKubernetesResources(SERVICE_IMPORT)
        .inNamespace(ns)
        .withName(svc)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private void ensureNamespace(String name) {
    if (hub.namespaces().withName(name).get() == null) {
      try {
        hub.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
            .create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    works.close();
    clusters.close();
    imports.close();
    controller.close();
  }
}
