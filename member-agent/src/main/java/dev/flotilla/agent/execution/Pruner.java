package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.PatchByName;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes from the member what a Work applied and no longer wants: objects that left the Work, or
 * all of them when the Work is deleted. Objects are found in the member caches and in the Work's
 * last reported manifest statuses (which survive agent restarts); each is removed only if it still
 * names this Work (as cached, else as read), with its resourceVersion as a precondition. With
 * {@code preserveResourcesOnDeletion} objects are released instead: left in place without the
 * agent's label and annotations.
 */
final class Pruner {
  /** One object considered for pruning. */
  record Candidate(Gvr gvr, ObjectKey key) {}

  private final KubernetesClient member;
  private final ResourceMapper mapper;
  private final MemberObjects objects;

  Pruner(KubernetesClient member, ResourceMapper mapper, MemberObjects objects) {
    this.member = member;
    this.mapper = mapper;
    this.objects = objects;
  }

  /**
   * Everything the Work may have applied: cached objects naming it, its earlier identifiers, and
   * its current manifests; CRDs last and Namespaces just before them.
   */
  List<Candidate> candidates(WorkView work) {
    Map<ObjectKey, Candidate> out = new LinkedHashMap<>();
    for (MemberObjects.Cached c : objects.appliedBy(work.name())) {
      ObjectKey key = ObjectKey.of(c.object());
      out.putIfAbsent(key, new Candidate(c.gvr(), key));
    }
    for (WorkView.Identifier id : work.previousIdentifiers()) {
      mapper
          .find(id.apiVersion(), id.kind())
          .ifPresent(gvr -> out.putIfAbsent(id.key(), new Candidate(gvr, id.key())));
    }
    for (Manifests.Indexed m : Manifests.inApplyOrder(work.manifests())) {
      mapper
          .find(m.apiVersion(), m.kind())
          .ifPresent(
              gvr -> {
                String ns = gvr.namespaced() ? Manifests.namespaceOf(m.manifest()) : "";
                ObjectKey key = ObjectKey.of(m.apiVersion(), m.kind(), ns, m.name());
                out.putIfAbsent(key, new Candidate(gvr, key));
              });
    }
    List<Candidate> list = new ArrayList<>(out.values());
    list.sort(
        Comparator.comparingInt(
            (Candidate c) -> -Manifests.rank(c.gvr().apiVersion(), c.gvr().kind())));
    return list;
  }

  /**
   * Deletes (or, when {@code release}, unmarks) every candidate not in {@code keep} that still
   * names this Work. Throws after trying all of them if any failed.
   */
  List<ManifestResult> prune(WorkView work, Set<ObjectKey> keep, boolean release) {
    List<ManifestResult> done = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Candidate c : candidates(work)) {
      if (keep.contains(c.key())) {
        continue;
      }
      try {
        ApplyOutcome outcome = remove(work, c, release);
        if (outcome != ApplyOutcome.NOOP) {
          done.add(
              new ManifestResult(
                  -1,
                  c.gvr(),
                  c.gvr().apiVersion(),
                  c.key().kind(),
                  c.key().namespace(),
                  c.key().name(),
                  outcome,
                  null,
                  null));
        }
      } catch (RuntimeException e) {
        errors.add(c.key() + ": " + ApiErrors.message(e));
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("cannot prune " + String.join("; ", errors));
    }
    return done;
  }

  private ApplyOutcome remove(WorkView work, Candidate c, boolean release) {
    String namespace = c.gvr().namespaced() ? c.key().namespace() : null;
    // The member cache holds what the agent applied; an object it does not hold (not yet seen, or
    // not labelled) is read. A cached copy that is stale fails the resourceVersion precondition
    // and is read then.
    var cached = objects.get(c.gvr(), c.key().namespace(), c.key().name());
    if (cached.isPresent()) {
      try {
        return remove(work, c, namespace, cached.get(), release);
      } catch (RuntimeException e) {
        if (!ApiErrors.isConflict(e)) {
          throw e;
        }
      }
    }
    var op = member.genericKubernetesResources(c.gvr().context());
    Resource<GenericKubernetesResource> target =
        namespace == null
            ? op.withName(c.key().name())
            : op.inNamespace(namespace).withName(c.key().name());
    GenericKubernetesResource live = target.get();
    return live == null ? ApplyOutcome.NOOP : remove(work, c, namespace, Json.tree(live), release);
  }

  /** Deletes or releases {@code live} if it names this Work, only at its resourceVersion. */
  private ApplyOutcome remove(
      WorkView work, Candidate c, String namespace, ObjectNode live, boolean release) {
    if (!work.owns(live)) {
      return ApplyOutcome.NOOP;
    }
    String rv = Json.text(live, "metadata", "resourceVersion");
    // What the agent installed at join (the MCS CRDs) outlives the Work that took it over: deleting
    // it would delete every ServiceExport and ServiceImport created in the member.
    boolean installed = "true".equals(Json.annotation(live, KarmadaMarks.AGENT_INSTALLED));
    try {
      if (release || installed) {
        PatchByName.merge(
            member,
            c.gvr().context(),
            namespace,
            c.key().name(),
            null,
            releasePatch(rv).toString());
        return ApplyOutcome.RELEASED;
      }
      if (live.path("metadata").hasNonNull("deletionTimestamp")) {
        return ApplyOutcome.NOOP;
      }
      var op = member.genericKubernetesResources(c.gvr().context());
      (namespace == null
              ? op.withName(c.key().name())
              : op.inNamespace(namespace).withName(c.key().name()))
          .lockResourceVersion(rv)
          .delete();
      return ApplyOutcome.DELETED;
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        return ApplyOutcome.NOOP;
      }
      throw e;
    }
  }

  /** Drops the managed label and Work annotations, only if the object is still at {@code rv}. */
  private static ObjectNode releasePatch(String rv) {
    ObjectNode patch = Json.object();
    ObjectNode meta = Json.metadata(patch);
    meta.put("resourceVersion", rv);
    meta.putObject("labels").putNull(KarmadaMarks.MANAGED_LABEL);
    ObjectNode annotations = meta.putObject("annotations");
    annotations.putNull(KarmadaMarks.WORK_NAME);
    annotations.putNull(KarmadaMarks.WORK_NAMESPACE);
    annotations.putNull(KarmadaMarks.TEMPLATE_UID);
    return patch;
  }
}
