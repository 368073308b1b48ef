package dev.flotilla.sim.workloads;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.sim.engine.Change;
import dev.flotilla.sim.engine.KeyQueue;
import dev.flotilla.sim.engine.Keys;
import dev.flotilla.sim.engine.Owners;
import dev.flotilla.sim.engine.Same;
import dev.flotilla.sim.engine.SimContext;
import dev.flotilla.sim.engine.Writes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Deployments as kube-controller-manager runs them, with rollouts collapsed into one step: the
 * ReplicaSet of the current template ({@code <name>-<pod-template-hash>}) gets all the replicas,
 * older ones are scaled to zero and pruned beyond revisionHistoryLimit; the status sums them.
 */
public final class DeploymentController {
  public static final String NAME = "sim-deployment-controller";
  public static final String HASH_LABEL = "pod-template-hash";
  public static final String REVISION = "deployment.kubernetes.io/revision";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";

  private final SimContext ctx;
  private final KeyQueue queue;

  public DeploymentController(SimContext ctx) {
    this.ctx = ctx;
    this.queue = ctx.queue(NAME, this::reconcile);
    ctx.events()
        .on(
            ctx.kinds().deployments(),
            change -> {
              if (!change.deleted()) {
                queue.add(change.key());
              }
            });
    ctx.events().on(ctx.kinds().replicaSets(), this::onReplicaSetChange);
  }

  private void onReplicaSetChange(Change change) {
    for (JsonNode rs : new JsonNode[] {change.oldObject(), change.newObject()}) {
      if (rs != null && "Deployment".equals(Owners.controllerKind(rs))) {
        queue.add(Keys.of(change.namespace(), Owners.controllerName(rs)));
      }
    }
  }

  long reconcile(String key) {
    String namespace = Keys.namespace(key);
    String name = Keys.name(key);
    ObjectNode deployment =
        ctx.reader().get(ctx.kinds().deployments(), namespace, name).orElse(null);
    if (deployment == null || Meta.isDeleting(deployment)) {
      return KeyQueue.DONE;
    }
    String hash = PodTemplates.hash(deployment.path("spec").path("template"));
    String newName = name + "-" + hash;
    if (!deployment.path("spec").path("paused").asBoolean(false)) {
      rollOut(deployment, newName, hash);
    }
    ObjectNode newRs = null;
    List<ObjectNode> oldRss = new ArrayList<>();
    for (ObjectNode rs : owned(deployment)) {
      if (Meta.name(rs).equals(newName)) {
        newRs = rs;
      } else {
        oldRss.add(rs);
      }
    }
    String revision =
        newRs == null ? null : Meta.metadata(newRs).path("annotations").path(REVISION).asText(null);
    if (revision != null
        && !revision.equals(
            deployment.path("metadata").path("annotations").path(REVISION).asText(null))) {
      Writes.await(
          ctx.writes()
              .patch(
                  ctx.kinds().deployments(),
                  namespace,
                  name,
                  d -> {
                    Meta.metadata(d).with("annotations").put(REVISION, revision);
                    return d;
                  }));
    }
    ObjectNode status = WorkloadStatuses.deployment(deployment, newRs, oldRss, Meta.now());
    if (!Same.json(status, deployment.get("status"))) {
      Writes.await(
          ctx.writes()
              .patchStatus(
                  ctx.kinds().deployments(),
                  namespace,
                  name,
                  d -> {
                    d.set(
                        "status",
                        WorkloadStatuses.deployment(
                            d, newRsOf(d, newName), oldRssOf(d, newName), Meta.now()));
                    return d;
                  }));
    }
    return KeyQueue.DONE;
  }

  /** The ReplicaSets controlled by {@code deployment}. */
  private List<ObjectNode> owned(ObjectNode deployment) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode rs : ctx.reader().list(ctx.kinds().replicaSets(), Meta.namespace(deployment))) {
      if (Owners.isControlledBy(rs, Meta.uid(deployment))) {
        out.add(rs);
      }
    }
    return out;
  }

  private ObjectNode newRsOf(ObjectNode deployment, String newName) {
    return owned(deployment).stream()
        .filter(rs -> Meta.name(rs).equals(newName))
        .findFirst()
        .orElse(null);
  }

  private List<ObjectNode> oldRssOf(ObjectNode deployment, String newName) {
    return owned(deployment).stream().filter(rs -> !Meta.name(rs).equals(newName)).toList();
  }

  /** Gives the current template's ReplicaSet every replica and the others none. */
  private void rollOut(ObjectNode deployment, String newName, String hash) {
    String namespace = Meta.namespace(deployment);
    int replicas = PodTemplates.replicas(deployment);
    List<ObjectNode> owned = owned(deployment);
    long maxRevision = 0;
    ObjectNode newRs = null;
    for (ObjectNode rs : owned) {
      maxRevision = Math.max(maxRevision, revisionOf(rs));
      if (Meta.name(rs).equals(newName)) {
        newRs = rs;
      }
    }
    List<CompletableFuture<ObjectNode>> writes = Writes.batch();
    ObjectNode orphan =
        newRs != null
            ? null
            : ctx.reader().get(ctx.kinds().replicaSets(), namespace, newName).orElse(null);
    if (orphan != null) {
      if (Owners.controllerOf(orphan) == null && !Meta.isDeleting(orphan)) {
        // Left behind by an orphaning delete: adopt it, as upstream does.
        writes.add(
            ctx.writes()
                .patch(
                    ctx.kinds().replicaSets(),
                    namespace,
                    newName,
                    rs -> {
                      Meta.metadata(rs)
                          .withArray("ownerReferences")
                          .add(Owners.controllerRef(deployment));
                      return rs;
                    }));
      }
    } else if (newRs == null) {
      writes.add(
          ctx.writes()
              .create(
                  ctx.kinds().replicaSets(),
                  namespace,
                  newReplicaSet(deployment, newName, hash, maxRevision + 1)));
    } else {
      long revision = revisionOf(newRs) < maxRevision ? maxRevision + 1 : revisionOf(newRs);
      if (PodTemplates.replicas(newRs) != replicas || revision != revisionOf(newRs)) {
        writes.add(
            ctx.writes()
                .patch(
                    ctx.kinds().replicaSets(),
                    namespace,
                    newName,
                    rs -> {
                      rs.with("spec").put("replicas", replicas);
                      ObjectNode annotations = Meta.metadata(rs).with("annotations");
                      annotations.put(REVISION, Long.toString(revision));
                      annotations.put(DESIRED_REPLICAS, Integer.toString(replicas));
                      annotations.put(
                          MAX_REPLICAS, Integer.toString(replicas + maxSurge(deployment)));
                      return rs;
                    }));
      }
    }
    List<ObjectNode> retired = new ArrayList<>();
    for (ObjectNode rs : owned) {
      if (Meta.name(rs).equals(newName)) {
        continue;
      }
      if (PodTemplates.replicas(rs) != 0) {
        writes.add(
            ctx.writes()
                .patch(
                    ctx.kinds().replicaSets(),
                    namespace,
                    Meta.name(rs),
                    r -> {
                      r.with("spec").put("replicas", 0);
                      return r;
                    }));
      } else if (rs.path("status").path("replicas").asInt(0) == 0 && !Meta.isDeleting(rs)) {
        retired.add(rs);
      }
    }
    int keep = deployment.path("spec").path("revisionHistoryLimit").asInt(10);
    retired.sort(Comparator.comparingLong(DeploymentController::revisionOf));
    for (int i = 0; i < retired.size() - keep; i++) {
      writes.add(
          ctx.writes().delete(ctx.kinds().replicaSets(), namespace, Meta.name(retired.get(i))));
    }
    Writes.await(writes);
  }

  private static long revisionOf(JsonNode rs) {
    try {
      return Long.parseLong(rs.path("metadata").path("annotations").path(REVISION).asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int maxSurge(JsonNode deployment) {
    JsonNode strategy = deployment.path("spec").path("strategy");
    if (!"RollingUpdate".equals(strategy.path("type").asText("RollingUpdate"))) {
      return 0;
    }
    JsonNode value = strategy.path("rollingUpdate").path("maxSurge");
    int desired = PodTemplates.replicas(deployment);
    if (value.isTextual() && value.asText().endsWith("%")) {
      int percent = Integer.parseInt(value.asText().substring(0, value.asText().length() - 1));
      return (desired * percent + 99) / 100;
    }
    return value.canConvertToInt() ? value.asInt() : (desired * 25 + 99) / 100;
  }

  /** The ReplicaSet upstream creates for the deployment's current template. */
  static ObjectNode newReplicaSet(ObjectNode deployment, String name, String hash, long revision) {
    JsonNode spec = deployment.path("spec");
    int replicas = PodTemplates.replicas(deployment);
    ObjectNode template = PodTemplates.withLabels(spec.path("template"), Map.of(HASH_LABEL, hash));
    ObjectNode rs = Json.MAPPER.createObjectNode();
    rs.put("apiVersion", "apps/v1");
    rs.put("kind", "ReplicaSet");
    ObjectNode meta = rs.putObject("metadata");
    meta.put("name", name);
    meta.put("namespace", Meta.namespace(deployment));
    meta.set("labels", template.path("metadata").path("labels").deepCopy());
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(DESIRED_REPLICAS, Integer.toString(replicas));
    annotations.put(MAX_REPLICAS, Integer.toString(replicas + maxSurge(deployment)));
    annotations.put(REVISION, Long.toString(revision));
    meta.putArray("ownerReferences").add(Owners.controllerRef(deployment));
    ObjectNode rsSpec = rs.putObject("spec");
    rsSpec.put("replicas", replicas);
    if (spec.has("minReadySeconds")) {
      rsSpec.set("minReadySeconds", spec.get("minReadySeconds"));
    }
    ObjectNode selector = spec.path("selector").deepCopy();
    selector.with("matchLabels").put(HASH_LABEL, hash);
    rsSpec.set("selector", selector);
    rsSpec.set("template", template);
    return rs;
  }
}
