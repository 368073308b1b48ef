package dev.flotilla.sim.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.engine.Keys;
import dev.flotilla.sim.engine.Same;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.Writes;
import dev.flotilla.sim.nodes.NodeShapes;
import java.util.Optional;

/**
 * The scheduler and every kubelet of the member in one: pods get a node and an IP and run at once,
 * Ready unless annotated otherwise or on a node that is not Ready. Pods that workload controllers
 * create are {@linkplain #prepare prepared} before the create, so most pods are written once.
 */
public final class Kubelet {
  public static final String NAME = "sim-kubelet";

  /** How soon an unschedulable pod is looked at again (node changes also trigger a look). */
  private static final long UNSCHEDULABLE_RETRY_MS = 5_000;

  private final SimContext ctx;
  private final PodAddresses addresses;
  private final PodScheduler scheduler;
  private final KeyQueue queue;

  public Kubelet(SimContext ctx, PodAddresses addresses) {
    this.ctx = ctx;
    this.addresses = addresses;
    this.scheduler = new PodScheduler(ctx.reader(), ctx.kinds());
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events().on(ctx.kinds().pods(), addresses::onPodChange);
    ctx.events()
        .on(
            ctx.kinds().pods(),
            change -> {
              if (!change.deleted()) {
                queue.add(change.key());
              }
            });
    ctx.events().on(ctx.kinds().nodes(), this::onNodeChange);
  }

  public PodScheduler scheduler() {
    return scheduler;
  }

  /** A node that became (not) ready changes the readiness of its pods and where pods fit. */
  private void onNodeChange(Change change) {
    boolean was = change.oldObject() != null && NodeShapes.isReady(change.oldObject());
    boolean is = !change.deleted() && NodeShapes.isReady(change.newObject());
    if (was == is) {
      return;
    }
    for (ObjectNode pod : ctx.reader().list(ctx.kinds().pods(), null)) {
      String nodeName = pod.path("spec").path("nodeName").asText("");
      if (nodeName.equals(change.name()) || (is && nodeName.isEmpty())) {
        queue.add(Keys.of(pod));
      }
    }
  }

  /**
   * Makes a pod about to be created look scheduled and running: sets {@code spec.nodeName} (if
   * unset and a node fits) and the status kubelet would report.
   */
  public ObjectNode prepare(ObjectNode pod) {
    String now = Meta.now();
    ObjectNode spec = pod.with("spec");
    String nodeName = spec.path("nodeName").asText("");
    Optional<ObjectNode> node =
        nodeName.isEmpty()
            ? scheduler.pick(spec)
            : ctx.reader().get(ctx.kinds().nodes(), null, nodeName);
    if (node.isEmpty()) {
      if (nodeName.isEmpty()) {
        pod.set("status", PodStatuses.unschedulable(pod, scheduler.unschedulableMessage(), now));
      }
      return pod;
    }
    spec.put("nodeName", Meta.name(node.get()));
    pod.set(
        "status",
        PodStatuses.running(
            pod,
            NodeShapes.internalIp(node.get()),
            allocateIp(node.get()),
            NodeShapes.isReady(node.get()),
            now));
    return pod;
  }

  private String allocateIp(JsonNode node) {
    return addresses
        .allocate(node.path("spec").path("podCIDR").asText(null))
        .orElseThrow(() -> ApiException.internal("no pod IP left in " + addresses.cidr()));
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    String name = Keys.name(key);
    ObjectNode pod = ctx.reader().get(ctx.kinds().pods(), namespace, name).orElse(null);
    if (pod == null || Meta.isDeleting(pod) || PodStatuses.isTerminal(pod)) {
      return KeyQueue.DONE;
    }
    String now = Meta.now();
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (nodeName.isEmpty()) {
      return schedule(pod, now);
    }
    ObjectNode node = ctx.reader().get(ctx.kinds().nodes(), null, nodeName).orElse(null);
    if (node == null) {
      return KeyQueue.DONE; // bound to a node that does not exist: stays as it is, as upstream
    }
    String hostIp = NodeShapes.internalIp(node);
    String podIp = pod.path("status").path("podIP").asText("");
    String ip = podIp.isEmpty() ? allocateIp(node) : podIp;
    boolean nodeReady = NodeShapes.isReady(node);
    if (!Same.json(PodStatuses.running(pod, hostIp, ip, nodeReady, now), pod.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().pods(),
                  namespace,
                  name,
                  current -> {
                    current.set("status", PodStatuses.running(current, hostIp, ip, nodeReady, now));
                    return current;
                  }));
    }
    return KeyQueue.DONE;
  }

  /** Binds an unscheduled pod and reports it running, or reports it unschedulable. */
  private long schedule(ObjectNode pod, String now) {
    String namespace = Meta.namespace(pod);
    String name = Meta.name(pod);
    Optional<ObjectNode> node = scheduler.pick(pod.path("spec"));
    if (node.isEmpty()) {
      String message = scheduler.unschedulableMessage();
      if (!Same.json(PodStatuses.unschedulable(pod, message, now), pod.get("status"))) {
        Writes.await(
            ctx.writes()
                .patchStatus(
                    ctx.kinds().pods(),
                    namespace,
                    name,
                    current -> {
                      current.set("status", PodStatuses.unschedulable(current, message, now));
                      return current;
                    }));
      }
      return UNSCHEDULABLE_RETRY_MS;
    }
    String nodeName = Meta.name(node.get());
    String hostIp = NodeShapes.internalIp(node.get());
    String ip = allocateIp(node.get());
    boolean nodeReady = NodeShapes.isReady(node.get());
    Writes.await(
        ctx.writes()
            .replace(
                ctx.kinds().pods(),
                namespace,
                name,
                current -> {
                  if (!current.path("spec").path("nodeName").asText("").isEmpty()) {
                    return current; // bound meanwhile; the next pass reports its status
                  }
                  current.with("spec").put("nodeName", nodeName);
                  current.set("status", PodStatuses.running(current, hostIp, ip, nodeReady, now));
                  return current;
                }));
    return KeyQueue.DONE;
  }
}
