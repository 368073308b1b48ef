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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * StatefulSets with stable pod names {@code <name>-<ordinal>}, hostnames and the governing Service
 * as subdomain. All pods are created at once (as podManagementPolicy Parallel) and a template
 * change replaces every pod; volume claims are not simulated.
 */
public final class StatefulSetController {
  public static final String NAME = "sim-statefulset-controller";
  public static final String REVISION_LABEL = "controller-revision-hash";
  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  public static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

  private final SimContext ctx;
  private final Kubelet kubelet;
  private final KeyQueue queue;

  public StatefulSetController(SimContext ctx, Kubelet kubelet) {
    this.ctx = ctx;
    this.kubelet = kubelet;
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events()
        .on(
            ctx.kinds().statefulSets(),
            change -> {
              if (!change.deleted()) {
                queue.add(change.key());
              }
            });
    ctx.events().on(ctx.kinds().pods(), this::onPodChange);
  }

  private void onPodChange(Change change) {
    for (JsonNode pod : new JsonNode[] {change.oldObject(), change.newObject()}) {
      if (pod != null && "StatefulSet".equals(Owners.controllerKind(pod))) {
        queue.add(Keys.of(change.namespace(), Owners.controllerName(pod)));
      }
    }
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    ObjectNode sts =
        ctx.reader().get(ctx.kinds().statefulSets(), namespace, Keys.name(key)).orElse(null);
    if (sts == null) {
      return KeyQueue.DONE;
    }
    String revision = Meta.name(sts) + "-" + PodTemplates.hash(sts.path("spec").path("template"));
    List<ObjectNode> pods =
        PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, Meta.uid(sts));
    if (!Meta.isDeleting(sts) && scale(sts, pods, revision)) {
      pods = PodTemplates.ownedPods(ctx.reader(), ctx.kinds(), namespace, Meta.uid(sts));
    }
    Instant now = Instant.now();
    ObjectNode status = WorkloadStatuses.statefulSet(sts, pods, revision, now);
    if (!Same.json(status, sts.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().statefulSets(),
                  namespace,
                  Meta.name(sts),
                  current -> {
                    current.set("status", status);
                    return current;
                  }));
    }
    return WorkloadStatuses.nextAvailability(
        pods, sts.path("spec").path("minReadySeconds").asInt(0), now);
  }

  /** Creates missing ordinals, replaces outdated pods, removes ordinals past replicas. */
  private boolean scale(ObjectNode sts, List<ObjectNode> pods, String revision) {
    String namespace = Meta.namespace(sts);
    int replicas = PodTemplates.replicas(sts);
    Map<String, ObjectNode> byName = new HashMap<>();
    List<CompletableFuture<ObjectNode>> writes = Writes.batch();
    for (ObjectNode pod : pods) {
      int ordinal = ordinal(Meta.name(sts), Meta.name(pod));
      if (ordinal < 0 || ordinal >= replicas) {
        if (!Meta.isDeleting(pod)) {
          writes.add(ctx.writes().delete(ctx.kinds().pods(), namespace, Meta.name(pod)));
        }
      } else {
        byName.put(Meta.name(pod), pod);
      }
    }
    for (int i = 0; i < replicas; i++) {
      String podName = Meta.name(sts) + "-" + i;
      ObjectNode pod = byName.get(podName);
      if (pod == null) {
        writes.add(
            ctx.writes()
                .create(
                    ctx.kinds().pods(),
                    namespace,
                    kubelet.prepare(newPod(sts, podName, i, revision))));
      } else if (PodTemplates.isActive(pod)
          && !revision.equals(Meta.labels(pod).get(REVISION_LABEL))) {
        writes.add(ctx.writes().delete(ctx.kinds().pods(), namespace, podName));
      }
    }
    Writes.await(writes);
    return !writes.isEmpty();
  }

  static int ordinal(String setName, String podName) {
    String prefix = setName + "-";
    if (!podName.startsWith(prefix)) {
      return -1;
    }
    String rest = podName.substring(prefix.length());
    if (rest.isEmpty()
        || rest.length() > 9
        || !rest.chars().allMatch(Character::isDigit)
        || (rest.length() > 1 && rest.charAt(0) == '0')) {
      return -1;
    }
    return Integer.parseInt(rest);
  }

  private static ObjectNode newPod(ObjectNode sts, String podName, int ordinal, String revision) {
    ObjectNode template =
        PodTemplates.withLabels(
            sts.path("spec").path("template"),
            Map.of(
                REVISION_LABEL, revision,
                POD_NAME_LABEL, podName,
                POD_INDEX_LABEL, Integer.toString(ordinal)));
    ObjectNode pod = PodTemplates.newPod(template, sts, podName, null);
    ObjectNode spec = pod.with("spec");
    spec.put("hostname", podName);
    String service = sts.path("spec").path("serviceName").asText("");
    if (!service.isEmpty()) {
      spec.put("subdomain", service);
    }
    return pod;
  }
}
