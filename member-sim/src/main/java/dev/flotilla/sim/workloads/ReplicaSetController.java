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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps {@code spec.replicas} pods of each ReplicaSet (created running through the kubelet),
 * deletes surplus pods in upstream's order, and writes the ReplicaSet status.
 */
public final class ReplicaSetController {
  public static final String NAME = "sim-replicaset-controller";

  private final SimContext ctx;
  private final Kubelet kubelet;
  private final KeyQueue queue;

  public ReplicaSetController(SimContext ctx, Kubelet kubelet) {
    this.ctx = ctx;
    this.kubelet = kubelet;
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events()
        .on(
            ctx.kinds().replicaSets(),
            change -> {
              if (!change.deleted()) {
                queue.add(change.key());
              }
            });
    ctx.events().on(ctx.kinds().pods(), this::onPodChange);
  }

  private void onPodChange(Change change) {
    for (JsonNode pod : new JsonNode[] {change.oldObject(), change.newObject()}) {
      if (pod != null && "ReplicaSet".equals(Owners.controllerKind(pod))) {
        queue.add(Keys.of(change.namespace(), Owners.controllerName(pod)));
      }
    }
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    ObjectNode rs =
        ctx.reader().get(ctx.kinds().replicaSets(), namespace, Keys.name(key)).orElse(null);
    if (rs == null) {
      return KeyQueue.DONE;
    }
    String uid = Meta.uid(rs);
    List<ObjectNode> pods = PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, uid);
    if (!Meta.isDeleting(rs) && scale(rs, pods)) {
      pods = PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, uid);
    }
    Instant now = Instant.now();
    ObjectNode status = WorkloadStatuses.replicaSet(rs, pods, now);
    if (!Same.json(status, rs.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().replicaSets(),
                  namespace,
                  Meta.name(rs),
                  current -> {
                    current.set("status", status);
                    return current;
                  }));
    }
    return WorkloadStatuses.nextAvailability(
        pods, rs.path("spec").path("minReadySeconds").asInt(0), now);
  }

  /** Creates missing or deletes surplus pods; true when it wrote anything. */
  private boolean scale(ObjectNode rs, List<ObjectNode> pods) {
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode pod : pods) {
      if (PodTemplates.isActive(pod)) {
        active.add(pod);
      }
    }
    int diff = PodTemplates.replicas(rs) - active.size();
    if (diff == 0) {
      return false;
    }
    String namespace = Meta.namespace(rs);
    List<CompletableFuture<ObjectNode>> writes = Writes.batch();
    if (diff > 0) {
      for (int i = 0; i < diff; i++) {
        ObjectNode pod =
            PodTemplates.newPod(rs.path("spec").path("template"), rs, null, Meta.name(rs) + "-");
        writes.add(ctx.writes().create(ctx.kinds().pods(), namespace, kubelet.prepare(pod)));
      }
    } else {
      active.sort(PodTemplates.DELETION_ORDER);
      for (ObjectNode victim : active.subList(0, -diff)) {
        writes.add(ctx.writes().delete(ctx.kinds().pods(), namespace, Meta.name(victim)));
      }
    }
    Writes.await(writes);
    return true;
  }
}
