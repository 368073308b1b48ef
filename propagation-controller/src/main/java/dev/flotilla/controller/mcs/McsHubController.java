package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Changes;
import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.EnqueueHandler;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.MergePatch;
import dev.flotilla.controller.runtime.OwnWrites;
import dev.flotilla.controller.runtime.Reconciler;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's MCS controller, keyed by (namespace, service): merges the exports agents report, writes
 * Ready/Conflict onto each report Work, withdraws the endpoints of clusters that are not Ready, and
 * for every consumer that reported an import writes a Work {@code mcs-derived-<ns>-<svc>} holding
 * the derived Service and one EndpointSlice set per source cluster. A hub ServiceImport mirrors the
 * merged view (only its status when a user created it). Reports that speak for another cluster, or
 * hold anything but what {@link McsReports} allows, are ignored with a warning Event.
 */
public final class McsHubController implements Reconciler, AutoCloseable {
  public static final String NAME = "mcs-controller";
  public static final ResourceDefinitionContext SERVICE_EXPORT =
      Kinds.ctx("multicluster.x-k8s.io", "v1beta1", "ServiceExport", "serviceexports", true);
  public static final ResourceDefinitionContext SERVICE_IMPORT =
      Kinds.ctx("multicluster.x-k8s.io", "v1beta1", "ServiceImport", "serviceimports", true);

  private static final Logger LOG = LoggerFactory.getLogger(McsHubController.class);
  private static final String BY_SERVICE = "mcs-service";
  // Reconciles are mostly waiting on hub round trips; more workers overlap them.
  private static final int WORKERS = 8;

  private final KubernetesClient hub;
  private final DerivedWorks derivedWorks;
  private final Controller controller;
  private final SharedIndexInformer<GenericKubernetesResource> works;
  private final SharedIndexInformer<GenericKubernetesResource> clusters;
  private final ClusterReadinessHandler readiness;
  private final SharedIndexInformer<GenericKubernetesResource> imports;
  private final HubServiceImports hubImports;
  private final EventRecorder events;
  private final OwnWrites written = new OwnWrites();

  private final ExecutorService writers =
      Executors.newFixedThreadPool(
          2 * WORKERS,
          r -> {
            Thread t = new Thread(r, NAME + "-writer");
            t.setDaemon(true);
            return t;
          });

  /** Rejected reports (namespace/name) and the resourceVersion last reported, to warn once each. */
  private final Map<String, String> rejected = new ConcurrentHashMap<>();

  /** Import reports (namespace/name) found valid, at that resourceVersion: not parsed again. */
  private final Map<String, String> validImports = new ConcurrentHashMap<>();

  /**
   * @param derivedPrefix the prefix of every derived Service, or null: {@code derived-} for imports
   *     propagated from the hub, {@code amcs-} for imports created in the member
   */
  public McsHubController(KubernetesClient hub, String derivedPrefix) {
    this.hub = hub;
    this.derivedWorks = new DerivedWorks(derivedPrefix);
    this.events = new EventRecorder(hub, NAME);
    this.controller = new Controller(NAME, this, WORKERS);
    this.readiness = new ClusterReadinessHandler(controller, this::servicesOf);
    // Status-only updates change nothing this controller computes: agents write the status of
    // derived Works after every apply, and this controller the status of export reports.
    this.works =
        hub.genericKubernetesResources(Kinds.WORK)
            .inAnyNamespace()
            .withLabel(McsNames.ROLE)
            .inform(
                new EnqueueHandler<>(controller, McsHubController::keyOf)
                    .onlyIf(Changes::beyondStatus));
    // Reconciles read only the Works of their own service: an index keeps that O(service), not
    // O(every MCS Work in the fleet), which matters at thousands of exported services.
    works.addIndexers(Map.of(BY_SERVICE, McsHubController::keyOf));
    this.clusters = hub.genericKubernetesResources(Kinds.CLUSTER).inform(readiness);
    this.imports =
        hub.genericKubernetesResources(SERVICE_IMPORT)
            .inAnyNamespace()
            .inform(
                EnqueueHandler.<GenericKubernetesResource>self(controller)
                    .onlyIf(Changes::beyondStatus));
    this.hubImports = new HubServiceImports(hub, imports);
    controller.start();
  }

  private static List<String> keyOf(GenericKubernetesResource w) {
    Map<String, String> labels = w.getMetadata().getLabels();
    if (labels == null || labels.get(McsNames.SERVICE_NAME) == null) {
      return List.of();
    }
    return List.of(
        labels.get(McsNames.SERVICE_NAMESPACE) + "/" + labels.get(McsNames.SERVICE_NAME));
  }

  /** The services with an MCS Work in the cluster's execution namespace. */
  private List<String> servicesOf(String cluster) {
    Set<String> keys = new LinkedHashSet<>();
    for (GenericKubernetesResource w :
        works
            .getIndexer()
            .byIndex(Cache.NAMESPACE_INDEX, Names.EXECUTION_NAMESPACE_PREFIX + cluster)) {
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
    Map<String, String> consumers = new TreeMap<>(); // consumer -> import origin
    Map<String, GenericKubernetesResource> derived = new HashMap<>();
    for (GenericKubernetesResource w : works.getIndexer().byIndex(BY_SERVICE, key)) {
      String workNs = w.getMetadata().getNamespace();
      if (!workNs.startsWith(Names.EXECUTION_NAMESPACE_PREFIX)) {
        continue;
      }
      // The cluster a report speaks for is its execution namespace's, whatever it holds.
      String cluster = workNs.substring(Names.EXECUTION_NAMESPACE_PREFIX.length());
      boolean deleting = w.getMetadata().getDeletionTimestamp() != null;
      String role = w.getMetadata().getLabels().get(McsNames.ROLE);
      switch (role) {
        case "export" -> {
          ObjectNode report = Trees.tree(w);
          if (!deleting && accepted(cluster, role, w, report)) {
            exports.add(toExport(cluster, report));
            exportWorks.put(cluster, w);
          }
        }
        case "import" -> {
          if (!deleting && acceptedImport(cluster, w)) {
            Map<String, String> annotations = w.getMetadata().getAnnotations();
            consumers.put(
                cluster, annotations == null ? null : annotations.get(McsNames.IMPORT_ORIGIN));
          }
        }
        case "derived" -> derived.put(cluster, w);
        default -> {}
      }
    }
    ServiceMerge.Result merged = ServiceMerge.merge(exports);
    Set<String> ready = ClusterReadinessHandler.readyClusters(clusters);
    List<ServiceMerge.Export> sources = new ArrayList<>();
    for (ServiceMerge.Export e : merged.exports()) {
      if (ready.contains(e.cluster())) {
        sources.add(e);
      }
    }
    // Consumers first: their endpoints are what a change is waiting for; statuses can follow.
    syncDerivedWorks(ns, svc, merged, sources, consumers, derived);
    for (ServiceMerge.Export e : exports) {
      writeExportStatus(exportWorks.get(e.cluster()), e, merged, ready);
    }
    hubImports.sync(ns, svc, merged.exports().isEmpty() ? null : merged, sources);
    return Result.DONE;
  }

  /** Step: one derived Work per importing consumer while the service is exported; no others. */
  private void syncDerivedWorks(
      String ns,
      String svc,
      ServiceMerge.Result merged,
      List<ServiceMerge.Export> sources,
      Map<String, String> consumers,
      Map<String, GenericKubernetesResource> derived) {
    boolean exported = !merged.exports().isEmpty();
    List<Runnable> writes = new ArrayList<>();
    for (Map.Entry<String, String> consumer : consumers.entrySet()) {
      if (exported) {
        ObjectNode desired =
            derivedWorks.derivedWork(
                consumer.getKey(), consumer.getValue(), ns, svc, merged, sources);
        GenericKubernetesResource cached = derived.remove(consumer.getKey());
        writes.add(() -> upsertWork(desired, cached));
      }
    }
    for (Map.Entry<String, GenericKubernetesResource> stale : derived.entrySet()) {
      if (!exported || !consumers.containsKey(stale.getKey())) {
        writes.add(() -> delete(stale.getValue()));
      }
    }
    runSideBySide(writes);
  }

  /**
   * Runs writes to different Works at the same time and waits for all: a change reaches every
   * consumer after one hub round trip rather than one per consumer. Throws the first failure.
   */
  private void runSideBySide(List<Runnable> writes) {
    if (writes.size() == 1) {
      writes.get(0).run();
      return;
    }
    List<Future<?>> running = new ArrayList<>();
    writes.forEach(w -> running.add(writers.submit(w)));
    RuntimeException failure = null;
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted writing derived Works", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** {@link #accepted} for an import report, remembered per resourceVersion. */
  private boolean acceptedImport(String cluster, GenericKubernetesResource w) {
    String id = w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
    String rv = w.getMetadata().getResourceVersion();
    if (rv.equals(validImports.get(id))) {
      return true;
    }
    boolean ok = accepted(cluster, "import", w, Trees.tree(w));
    if (ok) {
      validImports.put(id, rv);
    } else {
      validImports.remove(id);
    }
    return ok;
  }

  /** True when the hub may act on the report; otherwise warns once per version of it. */
  private boolean accepted(
      String cluster, String role, GenericKubernetesResource w, ObjectNode report) {
    String problem = McsReports.originProblem(role, w.getMetadata().getAnnotations());
    if (problem == null) {
      problem =
          McsReports.problem(
              cluster,
              role,
              w.getMetadata().getName(),
              w.getMetadata().getLabels(),
              report.path("spec"));
    }
    String id = w.getMetadata().getNamespace() + "/" + w.getMetadata().getName();
    if (problem == null) {
      rejected.remove(id);
      return true;
    }
    String rv = w.getMetadata().getResourceVersion();
    if (!rv.equals(rejected.put(id, rv))) {
      String message = "MCS " + role + " report ignored: " + problem;
      LOG.warn(NAME + ": Work " + id + ": " + message);
      events.record(
          "work.karmada.io/v1alpha1",
          "Work",
          w.getMetadata().getNamespace(),
          w.getMetadata().getName(),
          w.getMetadata().getUid(),
          "Warning",
          "InvalidReport",
          message);
    }
    return false;
  }

  private static ServiceMerge.Export toExport(String cluster, ObjectNode work) {
    String created = Trees.text(work, "metadata", "annotations", McsNames.EXPORT_CREATED);
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
    MergePatch.apply(
        hub,
        Kinds.WORK,
        w.getMetadata().getNamespace(),
        w.getMetadata().getName(),
        "status",
        patch.toString());
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

  /**
   * Creates or patches a derived Work to {@code desired}, comparing with the newer of the cached
   * copy and this controller's last write of it (a reconcile may start before the watch shows that
   * write).
   */
  private void upsertWork(ObjectNode desired, GenericKubernetesResource cached) {
    String ns = Trees.text(desired, "metadata", "namespace");
    String name = Trees.text(desired, "metadata", "name");
    String key = ns + "/" + name;
    var op = hub.genericKubernetesResources(Kinds.WORK).inNamespace(ns);
    if (cached != null && cached.getMetadata().getDeletionTimestamp() != null) {
      written.forget(key);
      return; // its deletion event brings this service back, and a fresh Work is created then
    }
    GenericKubernetesResource existing = written.newest(key, cached);
    if (existing == null) {
      try {
        written.wrote(key, op.resource(Trees.generic(desired)).create());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // created meanwhile: patched below
      }
    } else if (sameDerived(Trees.tree(existing), desired)) {
      return;
    }
    // A merge patch without a resourceVersion: this controller is the only writer of a derived
    // Work's spec, and the consumer's agent writing its status meanwhile must not turn this write
    // into a conflict and a retry with backoff. The manifests array is replaced as a whole.
    ObjectNode patch = Trees.MAPPER.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.set("labels", desired.path("metadata").path("labels"));
    meta.set("annotations", desired.path("metadata").path("annotations"));
    patch.set("spec", desired.path("spec"));
    try {
      written.wrote(key, MergePatch.apply(hub, Kinds.WORK, ns, name, null, patch.toString()));
    } catch (KubernetesClientException e) {
      written.forget(key);
      if (e.getCode() != 404) {
        throw e;
      }
      written.wrote(key, op.resource(Trees.generic(desired)).create()); // deleted meanwhile
    }
  }

  private static boolean sameDerived(ObjectNode have, ObjectNode desired) {
    JsonNode haveAnnotations = have.path("metadata").path("annotations");
    JsonNode wantAnnotations = desired.path("metadata").path("annotations");
    return have.path("spec").equals(desired.path("spec"))
        && haveAnnotations
            .path(McsNames.SOURCE_CLUSTERS)
            .equals(wantAnnotations.path(McsNames.SOURCE_CLUSTERS))
        && haveAnnotations
            .path(McsNames.DERIVED_SERVICE)
            .equals(wantAnnotations.path(McsNames.DERIVED_SERVICE));
  }

  private void delete(GenericKubernetesResource w) {
    written.forget(w.getMetadata().getNamespace() + "/" + w.getMetadata().getName());
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

  @Override
  public void close() {
    works.close();
    clusters.close();
    imports.close();
    controller.close();
    writers.shutdownNow();
  }
}
