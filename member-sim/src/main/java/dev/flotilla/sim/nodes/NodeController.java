package dev.flotilla.sim.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.MemberCluster;
import dev.flotilla.sim.SimAnnotations;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.engine.Same;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.Writes;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the member's nodes: {@code <cluster>-node-1..N} exist with their capacity, labels and a
 * Ready condition that follows the {@link SimAnnotations#READY} annotation; nodes left over from a
 * larger configuration are removed.
 */
public final class NodeController {
  public static final String NAME = "sim-node-controller";

  private final SimContext ctx;
  private final MemberCluster cluster;
  private final Map<String, Integer> ours = new HashMap<>();
  private final KeyQueue queue;

  public NodeController(SimContext ctx, MemberCluster cluster) {
    this.ctx = ctx;
    this.cluster = cluster;
    for (int k = 1; k <= cluster.nodeCount(); k++) {
      ours.put(cluster.nodeName(k), k);
    }
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events()
        .on(
            ctx.kinds().nodes(),
            change -> {
              if (ours.containsKey(change.name())) {
                queue.add(change.name());
              }
            });
  }

  /** Brings the nodes to their desired state now, so pods can be scheduled at once. */
  public void ensureNodes() {
    for (String name : ours.keySet()) {
      reconcile(name);
    }
    for (ObjectNode node : ctx.reader().list(ctx.kinds().nodes(), null)) {
      String member = Meta.labels(node).get(SimAnnotations.NODE_LABEL);
      if (cluster.name().equals(member) && !ours.containsKey(Meta.name(node))) {
        Writes.await(ctx.writes().delete(ctx.kinds().nodes(), null, Meta.name(node)));
      }
    }
  }

  long reconcile(String name) {
    Integer k = ours.get(name);
    if (k == null) {
      return KeyQueue.DONE;
    }
    String now = Meta.now();
    Optional<ObjectNode> current = ctx.reader().get(ctx.kinds().nodes(), null, name);
    if (current.isEmpty()) {
      try {
        Writes.await(
            ctx.writes().create(ctx.kinds().nodes(), null, NodeShapes.newNode(cluster, k, now)));
      } catch (RuntimeException e) {
        if (!Writes.isCode(e, 409)) {
          throw e;
        }
        return 0; // created meanwhile: look at it again
      }
      return KeyQueue.DONE;
    }
    ObjectNode node = current.get();
    if (Meta.isDeleting(node)) {
      return KeyQueue.DONE;
    }
    Map<String, String> labels = Meta.labels(node);
    Map<String, String> wanted = NodeShapes.labels(cluster, k);
    boolean labelsDrifted =
        wanted.entrySet().stream().anyMatch(e -> !e.getValue().equals(labels.get(e.getKey())));
    if (labelsDrifted) {
      Writes.await(
          ctx.writes()
              .patch(
                  ctx.kinds().nodes(),
                  null,
                  name,
                  n -> {
                    ObjectNode l = Meta.metadata(n).with("labels");
                    wanted.forEach(l::put);
                    return n;
                  }));
    }
    JsonNode status = NodeShapes.status(cluster, k, node, now);
    if (!Same.json(status, node.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().nodes(),
                  null,
                  name,
                  n -> {
                    n.set("status", NodeShapes.status(cluster, k, n, now));
                    return n;
                  }));
    }
    return KeyQueue.DONE;
  }
}
