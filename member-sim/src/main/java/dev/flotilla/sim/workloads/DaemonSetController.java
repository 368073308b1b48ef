package dev.flotilla.sim.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.engine.Keys;
import dev.flotilla.sim.engine.Owners;
import dev.flotilla.sim.engine.Same;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.Writes;
import dev.flotilla.sim.pods.Kubelet;
import dev.flotilla.sim.pods.PodScheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * DaemonSets: one pod on every schedulable node that matches the template's node selector and
 * affinity; a template change replaces the pods.
 */
public final class DaemonSetController {
  public static final String NAME = "sim-daemonset-controller";
  public static final String REVISION_LABEL = "controller-revision-hash";
  public static final String GENERATION_LABEL = "pod-template-generation";

  private final SimContext ctx;
  private final Kubelet kubelet;
  private final KeyQueue queue;

  public DaemonSetController(SimContext ctx, Kubelet kubelet) {
    this.ctx = ctx;
    this.kubelet = kubelet;
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events()
        .on(
            ctx.kinds().daemonSets(),
            change -> {
              if (!change.deleted()) {
                queue.add(change.key());
              }
            });
    ctx.events().on(ctx.kinds().pods(), this::onPodChange);
    ctx.events()
        .on(
            ctx.kinds().nodes(),
            change -> {
              for (ObjectNode ds : ctx.reader().list(ctx.kinds().daemonSets(), null)) {
                queue.add(Keys.of(ds));
              }
            });
  }

  private void onPodChange(Change change) {
    for (JsonNode pod : new JsonNode[] {change.oldObject(), change.newObject()}) {
      if (pod != null && "DaemonSet".equals(Owners.controllerKind(pod))) {
        queue.add(Keys.of(change.namespace(), Owners.controllerName(pod)));
      }
    }
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    ObjectNode ds =
        ctx.reader().get(ctx.kinds().daemonSets(), namespace, Keys.name(key)).orElse(null);
    if (ds == null) {
      return KeyQueue.DONE;
    }
    String revision = PodTemplates.hash(ds.path("spec").path("template"));
    JsonNode podSpec = ds.path("spec").path("template").path("spec");
    Set<String> eligible = new HashSet<>();
    for (ObjectNode node : ctx.reader().list(ctx.kinds().nodes(), null)) {
      if (!Meta.isDeleting(node)
          && !node.path("spec").path("unschedulable").asBoolean(false)
          && PodScheduler.matchesSelectors(podSpec, node)) {
        eligible.add(Meta.name(node));
      }
    }
    List<ObjectNode> pods =
        PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, Meta.uid(ds));
    if (!Meta.isDeleting(ds) && place(ds, pods, eligible, revision)) {
      pods = PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, Meta.uid(ds));
    }
    Set<String> scheduled = new HashSet<>();
    for (ObjectNode pod : pods) {
      String node = pod.path("spec").path("nodeName").asText("");
      if (PodTemplates.isActive(pod) && eligible.contains(node)) {
        scheduled.add(node);
      }
    }
    Instant now = Instant.now();
    ObjectNode status =
        WorkloadStatuses.daemonSet(ds, pods, eligible.size(), scheduled.size(), revision, now);
    if (!Same.json(status, ds.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().daemonSets(),
                  namespace,
                  Meta.name(ds),
                  current -> {
                    current.set("status", status);
                    return current;
                  }));
    }
    return WorkloadStatuses.nextAvailability(
        pods, ds.path("spec").path("minReadySeconds").asInt(0), now);
  }

  /** One current pod per eligible node, none elsewhere; true when it wrote anything. */
  private boolean place(
      ObjectNode ds, List<ObjectNode> pods, Set<String> eligible, String revision) {
    String namespace = Meta.namespace(ds);
    Map<String, List<ObjectNode>> byNode = new HashMap<>();
    for (ObjectNode pod : pods) {
      if (PodTemplates.isActive(pod)) {
        byNode
            .computeIfAbsent(pod.path("spec").path("nodeName").asText(""), k -> new ArrayList<>())
            .add(pod);
      }
    }
    List<CompletableFuture<ObjectNode>> writes = Writes.batch();
    for (Map.Entry<String, List<ObjectNode>> e : byNode.entrySet()) {
      boolean keepOne = eligible.contains(e.getKey());
      for (ObjectNode pod : e.getValue()) {
        boolean current = revision.equals(Meta.labels(pod).get(REVISION_LABEL));
        if (keepOne && current) {
          keepOne = false;
          continue;
        }
        writes.add(ctx.writes().delete(ctx.kinds().pods(), namespace, Meta.name(pod)));
      }
    }
    for (String node : eligible) {
      if (!byNode.containsKey(node)) {
        ObjectNode template =
            PodTemplates.withLabels(
                ds.path("spec").path("template"),
                Map.of(
                    REVISION_LABEL,
                    revision,
                    GENERATION_LABEL,
                    Long.toString(ds.path("metadata").path("generation").asLong(1))));
        ObjectNode pod = PodTemplates.newPod(template, ds, null, Meta.name(ds) + "-");
        pod.with("spec").put("nodeName", node);
        writes.add(ctx.writes().create(ctx.kinds().pods(), namespace, kubelet.prepare(pod)));
      }
    }
    Writes.await(writes);
    return !writes.isEmpty();
  }
}
