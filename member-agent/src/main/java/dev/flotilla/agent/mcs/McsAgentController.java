package dev.flotilla.agent.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.execution.KarmadaMarks;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.KeyedWorkQueue;
import dev.flotilla.agent.kube.KeyedWorkQueue.Result;
import dev.flotilla.agent.kube.PatchByName;
import dev.flotilla.agent.kube.Times;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's MCS controller. Provider side: every ServiceExport in the member is reported to the
 * hub as a suspended Work {@code svcexport-<ns>-<svc>} holding the export, the trimmed Service and
 * its EndpointSlices; the export's Valid condition is the agent's, Ready and Conflict are copied
 * from the hub's status on that Work. Consumer side: every ServiceImport is reported as a suspended
 * Work {@code svcimport-<ns>-<svc>}; once the hub's derived Service exists in the member the
 * import's {@code spec.ips}, ports, type and {@code status.clusters} follow it. The MCS CRDs may
 * appear in the member at any time (propagated by policy): the controller polls discovery until
 * they are served, then starts its informers.
 */
public final class McsAgentController implements AutoCloseable {
  public static final String NAME = "mcs-agent-controller";
  private static final String BY_SERVICE = "own-service";
  private static final Logger LOG = LoggerFactory.getLogger(McsAgentController.class);
  private static final Duration RESYNC = Duration.ofSeconds(30);
  private static final long FIRST_DISCOVERY_POLL_MS = 1000;

  private final KubernetesClient hub;
  private final KubernetesClient member;
  private final String cluster;
  private final String namespace;
  private final Clock clock;
  private final KeyedWorkQueue queue;
  private final ScheduledExecutorService poller;
  private final ExecutorService sharedWorkers;
  private volatile boolean closed;
  private long discoveryBackoffMs = FIRST_DISCOVERY_POLL_MS;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile SharedIndexInformer<GenericKubernetesResource> services;
  private volatile SharedIndexInformer<GenericKubernetesResource> slices;
  private volatile SharedIndexInformer<GenericKubernetesResource> works;
  private volatile SharedIndexInformer<GenericKubernetesResource> exports;
  private volatile SharedIndexInformer<GenericKubernetesResource> imports;
  private volatile ResourceDefinitionContext exportCtx;
  private volatile ResourceDefinitionContext importCtx;

  public McsAgentController(
      KubernetesClient hub, KubernetesClient member, String cluster, Clock clock) {
    this(hub, member, cluster, clock, null, null);
  }

  /**
   * As above; with {@code sharedWorkers} and {@code sharedTimer} (both or neither) reconciles and
   * polls run on threads shared with other agents in the process.
   */
  public McsAgentController(
      KubernetesClient hub,
      KubernetesClient member,
      String cluster,
      Clock clock,
      ExecutorService sharedWorkers,
      ScheduledExecutorService sharedTimer) {
    this.hub = hub;
    this.member = member;
    this.cluster = cluster;
    this.namespace = Names.executionNamespace(cluster);
    this.clock = clock;
    this.sharedWorkers = sharedWorkers;
    this.queue =
        sharedWorkers == null
            ? new KeyedWorkQueue(NAME + "-" + cluster, 2, this::reconcile)
            : new KeyedWorkQueue(NAME + "-" + cluster, 2, this::reconcile, sharedWorkers);
    this.poller =
        sharedTimer != null
            ? sharedTimer
            : Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, NAME + "-" + cluster + "-poll");
                  t.setDaemon(true);
                  return t;
                });
  }

  /** Starts the base informers and polls for the MCS CRDs; returns at once. */
  public McsAgentController start() {
    services =
        inform(
            member.genericKubernetesResources("v1", "Service").inAnyNamespace().runnableInformer(0),
            this::serviceKeys);
    SharedIndexInformer<GenericKubernetesResource> sliceInformer =
        member
            .genericKubernetesResources("discovery.k8s.io/v1", "EndpointSlice")
            .inAnyNamespace()
            .runnableInformer(0);
    // A report reads only its own Service's slices: an index keeps that O(service), not O(every
    // slice in the member).
    sliceInformer.addIndexers(Map.of(BY_SERVICE, McsAgentController::ownServiceKey));
    slices = inform(sliceInformer, this::sliceKeys);
    works =
        inform(
            hub.genericKubernetesResources(HubResources.WORKS)
                .inNamespace(namespace)
                .withLabel(McsNames.ROLE)
                .runnableInformer(0),
            McsAgentController::workKeys);
    schedulePoll(0);
    return this;
  }

  private long lastResync;

  /** A slice of the member's own Service (not one of our derived ones), keyed ns/service. */
  private static List<String> ownServiceKey(GenericKubernetesResource s) {
    Map<String, String> labels = s.getMetadata().getLabels();
    if (labels == null
        || labels.get(McsNames.KUBE_SERVICE_NAME) == null
        || labels.get(McsNames.MCS_SERVICE_NAME) != null) {
      return List.of();
    }
    return List.of(s.getMetadata().getNamespace() + "/" + labels.get(McsNames.KUBE_SERVICE_NAME));
  }

  /**
   * Runs {@link #poll} after {@code delayMs}, then again after the delay it asks for. With shared
   * threads the timer only fires and the poll (which may wait on the member) runs on the pool.
   */
  private void schedulePoll(long delayMs) {
    if (closed) {
      return;
    }
    Runnable run = () -> schedulePoll(poll());
    try {
      poller.schedule(
          sharedWorkers == null ? run : () -> sharedWorkers.execute(run),
          delayMs,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  /**
   * Looks once for the MCS kinds not yet watched and resyncs when due; returns when to look again.
   * While the member serves no MCS API (most members never will) discovery is asked again after 1,
   * 2, 4 ... seconds up to the resync period, not every second: across a fleet of agents that
   * polling was most of what the members answered.
   */
  private long poll() {
    if (closed) {
      return RESYNC.toMillis();
    }
    try {
      if (exports == null) {
        ResourceDefinitionContext ctx = served("serviceexports", "ServiceExport");
        if (ctx != null) {
          exportCtx = ctx;
          exports =
              inform(
                  member.genericKubernetesResources(ctx).inAnyNamespace().runnableInformer(0),
                  o -> List.of(key(o)));
        }
      }
      if (imports == null) {
        ResourceDefinitionContext ctx = served("serviceimports", "ServiceImport");
        if (ctx != null) {
          importCtx = ctx;
          imports =
              inform(
                  member.genericKubernetesResources(ctx).inAnyNamespace().runnableInformer(0),
                  o -> List.of(key(o)));
        }
      }
      long now = System.currentTimeMillis();
      if (now - lastResync > RESYNC.toMillis()) {
        lastResync = now;
        allKeys().forEach(queue::add);
      }
    } catch (RuntimeException e) {
      LOG.debug(NAME + " " + cluster + ": poll failed: " + ApiErrors.message(e));
    }
    if (exports != null && imports != null) {
      return Math.min(RESYNC.toMillis(), 1000); // only the resync is left to time
    }
    long next = discoveryBackoffMs;
    discoveryBackoffMs = Math.min(RESYNC.toMillis(), discoveryBackoffMs * 2);
    return next;
  }

  /** The preferred served version of an MCS kind (v1beta1, else v1alpha1), or null. */
  private ResourceDefinitionContext served(String plural, String kind) {
    for (String version : List.of("v1beta1", "v1alpha1")) {
      APIResourceList list;
      try {
        list = member.getApiResources(McsNames.GROUP + "/" + version);
      } catch (RuntimeException e) {
        if (ApiErrors.isNotFound(e)) {
          continue;
        }
        throw e;
      }
      if (list == null) {
        continue;
      }
      for (APIResource r : list.getResources()) {
        if (plural.equals(r.getName())) {
          return new ResourceDefinitionContext.Builder()
              .withGroup(McsNames.GROUP)
              .withVersion(version)
              .withKind(kind)
              .withPlural(plural)
              .withNamespaced(true)
              .build();
        }
      }
    }
    return null;
  }

  private SharedIndexInformer<GenericKubernetesResource> inform(
      SharedIndexInformer<GenericKubernetesResource> informer,
      Function<GenericKubernetesResource, List<String>> keys) {
    informer.exceptionHandler((started, t) -> !ExceptionHandler.isDeserializationException(t));
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            keys.apply(obj).forEach(queue::add);
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
            keys.apply(obj).forEach(queue::add);
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean unknown) {
            keys.apply(obj).forEach(queue::add);
          }
        });
    synchronized (informers) {
      informers.add(informer);
    }
    informer.start();
    return informer;
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private List<String> serviceKeys(GenericKubernetesResource svc) {
    List<String> keys = new ArrayList<>();
    keys.add(key(svc));
    Map<String, String> labels = svc.getMetadata().getLabels();
    if (labels != null && labels.get(McsNames.MCS_SERVICE_NAME) != null) {
      keys.add(svc.getMetadata().getNamespace() + "/" + labels.get(McsNames.MCS_SERVICE_NAME));
    }
    return keys;
  }

  private List<String> sliceKeys(GenericKubernetesResource slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    if (labels == null || labels.get(McsNames.KUBE_SERVICE_NAME) == null) {
      return List.of();
    }
    List<String> keys = new ArrayList<>();
    keys.add(slice.getMetadata().getNamespace() + "/" + labels.get(McsNames.KUBE_SERVICE_NAME));
    if (labels.get(McsNames.MCS_SERVICE_NAME) != null) {
      keys.add(slice.getMetadata().getNamespace() + "/" + labels.get(McsNames.MCS_SERVICE_NAME));
    }
    return keys;
  }

  private static List<String> workKeys(GenericKubernetesResource work) {
    Map<String, String> labels = work.getMetadata().getLabels();
    if (labels == null || labels.get(McsNames.SERVICE_NAME) == null) {
      return List.of();
    }
    return List.of(
        labels.get(McsNames.SERVICE_NAMESPACE) + "/" + labels.get(McsNames.SERVICE_NAME));
  }

  private List<String> allKeys() {
    List<String> keys = new ArrayList<>();
    for (SharedIndexInformer<GenericKubernetesResource> i :
        List.of(exportsOrEmpty(), importsOrEmpty())) {
      i.getStore().list().forEach(o -> keys.add(key(o)));
    }
    if (works != null) {
      works.getStore().list().forEach(w -> keys.addAll(workKeys(w)));
    }
    return keys;
  }

  private SharedIndexInformer<GenericKubernetesResource> exportsOrEmpty() {
    return exports != null ? exports : services;
  }

  private SharedIndexInformer<GenericKubernetesResource> importsOrEmpty() {
    return imports != null ? imports : services;
  }

  /** True once the hub Works and, when served, the MCS kinds have been listed. */
  public boolean hasSynced() {
    return works != null
        && works.hasSynced()
        && services.hasSynced()
        && slices.hasSynced()
        && (exports == null || exports.hasSynced())
        && (imports == null || imports.hasSynced());
  }

  Result reconcile(String key) {
    if (!works.hasSynced() || !services.hasSynced() || !slices.hasSynced()) {
      return Result.after(Duration.ofMillis(200));
    }
    int slash = key.indexOf('/');
    String ns = key.substring(0, slash);
    String name = key.substring(slash + 1);
    if (exports != null && exports.hasSynced()) {
      reconcileExport(ns, name);
    }
    if (imports != null && imports.hasSynced()) {
      reconcileImport(ns, name);
    }
    return Result.DONE;
  }

  // ---- provider side ----

  private void reconcileExport(String ns, String name) {
    String workName = McsNames.workName("svcexport", ns, name);
    GenericKubernetesResource cached = exports.getStore().getByKey(ns + "/" + name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      ReportWorks.delete(hub, works, namespace, workName);
      return;
    }
    ObjectNode export = Json.tree(cached);
    GenericKubernetesResource svcCached = services.getStore().getByKey(ns + "/" + name);
    List<ObjectNode> conditions = new ArrayList<>();
    String now = Times.now(clock);
    if (svcCached == null) {
      conditions.add(
          condition(
              "Valid",
              "False",
              "NoService",
              "Service " + ns + "/" + name + " does not exist",
              now));
      ReportWorks.delete(hub, works, namespace, workName);
    } else if ("ExternalName".equals(Json.text(Json.tree(svcCached), "spec", "type"))) {
      conditions.add(
          condition(
              "Valid",
              "False",
              "InvalidServiceType",
              "Service " + ns + "/" + name + " is of type ExternalName, which cannot be exported",
              now));
      ReportWorks.delete(hub, works, namespace, workName);
    } else {
      conditions.add(condition("Valid", "True", "Valid", "the Service is exportable", now));
      ObjectNode work = exportWork(workName, ns, name, export, Json.tree(svcCached));
      ReportWorks.upsert(hub, works, work);
      GenericKubernetesResource reported = works.getStore().getByKey(namespace + "/" + workName);
      if (reported != null) {
        for (JsonNode c : Json.tree(reported).path("status").path("conditions")) {
          String type = c.path("type").asText();
          if (type.equals("Ready") || type.equals("Conflict")) {
            conditions.add(
                condition(
                    type,
                    c.path("status").asText(),
                    c.path("reason").asText(),
                    c.path("message").asText(),
                    now));
          }
        }
      }
    }
    writeExportStatus(export, conditions);
  }

  private ObjectNode exportWork(
      String workName, String ns, String name, ObjectNode export, ObjectNode svc) {
    ObjectNode work = ReportWorks.work(namespace, workName, "export", ns, name);
    Json.child(Json.metadata(work), "labels").put(McsNames.EXPORT_MANAGED_BY, "ServiceExport");
    Json.child(Json.metadata(work), "annotations")
        .put(McsNames.EXPORT_CREATED, Json.text(export, "metadata", "creationTimestamp"));
    ArrayNode manifests = ReportWorks.manifests(work);
    ObjectNode se = Json.object();
    se.put("apiVersion", Json.text(export, "apiVersion"));
    se.put("kind", "ServiceExport");
    ObjectNode meta = se.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", ns);
    meta.put("creationTimestamp", Json.text(export, "metadata", "creationTimestamp"));
    manifests.add(se);
    manifests.add(McsProtocol.trimService(svc));
    List<GenericKubernetesResource> own =
        new ArrayList<>(slices.getIndexer().byIndex(BY_SERVICE, ns + "/" + name));
    own.sort(Comparator.comparing(s -> s.getMetadata().getName()));
    own.forEach(s -> manifests.add(McsProtocol.trimSlice(Json.tree(s))));
    return work;
  }

  private void writeExportStatus(ObjectNode export, List<ObjectNode> wanted) {
    int existingSize = export.path("status").path("conditions").size();
    ArrayNode next = Json.MAPPER.createArrayNode();
    Map<String, JsonNode> old = new TreeMap<>();
    if (export.path("status").path("conditions").isArray()) {
      export.path("status").path("conditions").forEach(c -> old.put(c.path("type").asText(), c));
    }
    boolean changed = false;
    for (ObjectNode c : wanted) {
      JsonNode prev = old.remove(c.path("type").asText());
      if (prev != null
          && prev.path("status").asText().equals(c.path("status").asText())
          && prev.path("reason").asText().equals(c.path("reason").asText())
          && prev.path("message").asText().equals(c.path("message").asText())) {
        next.add(prev);
      } else {
        if (prev != null && prev.path("status").asText().equals(c.path("status").asText())) {
          c.set("lastTransitionTime", prev.path("lastTransitionTime"));
        }
        next.add(c);
        changed = true;
      }
    }
    if (!old.isEmpty()) {
      changed = true; // e.g. Ready/Conflict gone with the report
    }
    if (!changed && next.size() == existingSize) {
      return;
    }
    ObjectNode patch = Json.object();
    patch.putObject("status").set("conditions", next);
    PatchByName.merge(
        member, exportCtx, Json.namespace(export), Json.name(export), "status", patch.toString());
  }

  private static ObjectNode condition(
      String type, String status, String reason, String message, String now) {
    ObjectNode c = Json.object();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", reason == null || reason.isEmpty() ? type : reason);
    c.put("message", message == null ? "" : message);
    c.put("lastTransitionTime", now);
    return c;
  }

  // ---- consumer side ----

  private void reconcileImport(String ns, String name) {
    String workName = McsNames.workName("svcimport", ns, name);
    GenericKubernetesResource cached = imports.getStore().getByKey(ns + "/" + name);
    if (cached == null || cached.getMetadata().getDeletionTimestamp() != null) {
      ReportWorks.delete(hub, works, namespace, workName);
      return;
    }
    ObjectNode si = Json.tree(cached);
    ObjectNode work = ReportWorks.work(namespace, workName, "import", ns, name);
    // Where the import came from decides the derived Service's name (derived- or amcs-): a
    // ServiceImport the execution controller applied carries Karmada's managed label.
    Map<String, String> labels = cached.getMetadata().getLabels();
    boolean fromHub =
        labels != null && KarmadaMarks.MANAGED_VALUE.equals(labels.get(KarmadaMarks.MANAGED_LABEL));
    Json.child(Json.metadata(work), "annotations")
        .put(McsNames.IMPORT_ORIGIN, fromHub ? "hub" : "member");
    ObjectNode manifest = Json.object();
    manifest.put("apiVersion", Json.text(si, "apiVersion"));
    manifest.put("kind", "ServiceImport");
    ObjectNode meta = manifest.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", ns);
    ObjectNode spec = manifest.putObject("spec");
    if (si.path("spec").has("type")) {
      spec.set("type", si.path("spec").get("type"));
    }
    if (si.path("spec").has("ports")) {
      spec.set("ports", si.path("spec").get("ports"));
    }
    ReportWorks.manifests(work).add(manifest);
    ReportWorks.upsert(hub, works, work);
    GenericKubernetesResource derivedWork =
        works.getStore().getByKey(namespace + "/" + McsNames.workName("mcs-derived", ns, name));
    if (derivedWork == null) {
      return;
    }
    ObjectNode dw = Json.tree(derivedWork);
    String derivedName = Json.annotation(dw, McsNames.DERIVED_SERVICE);
    String sources = Json.annotation(dw, McsNames.SOURCE_CLUSTERS);
    GenericKubernetesResource derived =
        derivedName == null ? null : services.getStore().getByKey(ns + "/" + derivedName);
    if (derived == null) {
      return;
    }
    ObjectNode specPatch = ImportMirror.specPatch(Json.tree(derived), si.path("spec"));
    if (specPatch != null) {
      ObjectNode patch = Json.object();
      patch.set("spec", specPatch);
      PatchByName.merge(member, importCtx, ns, name, null, patch.toString());
    }
    ArrayNode clusters = Json.MAPPER.createArrayNode();
    if (sources != null && !sources.isBlank()) {
      for (String c : sources.split(",")) {
        clusters.addObject().put("cluster", c.trim());
      }
    }
    if (!clusters.equals(si.path("status").path("clusters"))) {
      ObjectNode patch = Json.object();
      patch.putObject("status").set("clusters", clusters);
      PatchByName.merge(member, importCtx, ns, name, "status", patch.toString());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (sharedWorkers == null) {
      poller.shutdownNow();
    }
    queue.close();
    synchronized (informers) {
      informers.forEach(SharedIndexInformer::stop);
      informers.clear();
    }
  }
}
