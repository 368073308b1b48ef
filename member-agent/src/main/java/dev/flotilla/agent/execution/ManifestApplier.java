package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.CreateAs;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.conditions.Conditions;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.Objects;

/**
 * Applies one manifest to the member with server-side apply (field manager {@code flotilla},
 * forced), or creates it when the agent's cache does not hold it: refuses to take over an existing
 * unmanaged object unless the Work allows it, creates the target namespace when missing, and waits
 * for an applied CRD to be Established.
 */
final class ManifestApplier {
  static final String CONFLICT_MESSAGE =
      "the resource already exists in the cluster and is not"
          + " managed by Karmada; set conflictResolution Overwrite to take it over";
  private static final Duration CRD_WAIT = Duration.ofSeconds(30);
  private static final ResourceDefinitionContext CRDS =
      new Gvr(
              "apiextensions.k8s.io",
              "v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false)
          .context();

  /** The result of one apply: the outcome, the object as the member returned it, or an error. */
  record Applied(ApplyOutcome outcome, ObjectNode live, String error) {}

  private final KubernetesClient member;
  private final ResourceMapper mapper;

  /** Namespaces seen to exist, so each apply into them is one request, not two. */
  private final java.util.Set<String> knownNamespaces =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * What the agent last applied per object and the resourceVersion that apply produced: applying
   * the same configuration again to an object nobody changed since is a no-op for server-side
   * apply, so it is skipped (a derived-service Work changing one source's slice re-applies that
   * slice only, not the Service and every other source's slices).
   */
  private final java.util.Map<String, LastApply> lastApplied =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record LastApply(String configuration, String resourceVersion) {}

  private final ResourceInterpreter interpreter;

  ManifestApplier(KubernetesClient member, ResourceMapper mapper, ResourceInterpreter interpreter) {
    this.member = member;
    this.mapper = mapper;
    this.interpreter = interpreter;
  }

  /**
   * Applies one manifest.
   *
   * @param managed the object as the agent's member cache holds it (only objects carrying the
   *     managed label are cached), or null; when given, it is not read again
   */
  Applied apply(WorkView work, Gvr gvr, ObjectNode manifest, ObjectNode managed) {
    ObjectNode desired = Manifests.desired(manifest, work, gvr.namespaced());
    String namespace = Json.namespace(desired);
    String name = Json.name(desired);
    boolean overwrite = work.overwrites(manifest);
    if (managed == null && !overwrite) {
      // Outside the cache: absent, or there without Karmada's label. A create answers which in the
      // same request that makes the object (Karmada's agent creates on a cache miss too); only an
      // object that is there is read, to refuse taking it over.
      Applied created = create(gvr, namespace, desired);
      if (created != null) {
        return created;
      }
      GenericKubernetesResource existing = resources(gvr, namespace).withName(name).get();
      return applyOver(work, gvr, manifest, desired, existing, false);
    }
    // A Work that may overwrite does not care whether an object outside the cache is there.
    return applyOver(
        work,
        gvr,
        manifest,
        desired,
        managed == null ? null : Json.generic(managed),
        managed == null);
  }

  /**
   * Creates {@code desired}; null when it already exists. The create makes the agent's field
   * manager an Update manager, which {@link FieldOwnership} turns into the Apply manager before the
   * object's next apply, so fields the Work drops later still go.
   */
  private Applied create(Gvr gvr, String namespace, ObjectNode desired) {
    if (namespace != null) {
      ensureNamespace(namespace);
    }
    GenericKubernetesResource created;
    try {
      created =
          CreateAs.create(
              member, gvr.context(), namespace, desired.toString(), KarmadaMarks.FIELD_MANAGER);
    } catch (RuntimeException e) {
      if (ApiErrors.isAlreadyExists(e)) {
        return null;
      }
      if (namespace != null && ApiErrors.isNotFound(e)) {
        knownNamespaces.remove(namespace); // deleted behind our back: look again next time
      }
      throw e;
    }
    remember(gvr, namespace, Json.name(desired), desired, created);
    return new Applied(ApplyOutcome.CREATED, Json.tree(created), null);
  }

  /**
   * Server-side apply over {@code existing} (null: absent), refusing an unmanaged object unless the
   * Work overwrites; {@code unknown} when whether it exists was not looked at.
   */
  private Applied applyOver(
      WorkView work,
      Gvr gvr,
      ObjectNode manifest,
      ObjectNode desired,
      GenericKubernetesResource existing,
      boolean unknown) {
    String namespace = Json.namespace(desired);
    String name = Json.name(desired);
    boolean overwrite = work.overwrites(manifest);
    if (existing != null && !managed(existing) && !createdByAgent(existing) && !overwrite) {
      return new Applied(ApplyOutcome.CONFLICT, Json.tree(existing), CONFLICT_MESSAGE);
    }
    String configuration = desired.toString();
    LastApply last = lastApplied.get(objectKey(gvr, namespace, name));
    if (existing != null
        && managed(existing)
        && last != null
        && last.configuration().equals(configuration)
        && last.resourceVersion().equals(existing.getMetadata().getResourceVersion())) {
      return new Applied(ApplyOutcome.NOOP, Json.tree(existing), null);
    }
    if (existing == null && namespace != null) {
      ensureNamespace(namespace);
    }
    // A retention script keeps the values the member owns (Karmada's Retain); a failing one fails
    // this manifest with the script's error rather than overwrite them.
    ObjectNode toApply =
        existing == null
            ? desired
            : interpreter.retain(desired, Json.tree(existing)).orElse(desired);
    if (existing != null && managed(existing)) {
      ObjectNode live = Json.tree(existing);
      if (FieldOwnership.alreadyApplied(live, toApply)) {
        // What an apply would change is ownership alone (the agent's create recorded it as an
        // Update): a write for nothing, as after every restart.
        remember(gvr, namespace, name, desired, existing);
        return new Applied(ApplyOutcome.NOOP, live, null);
      }
    }
    if (existing != null) {
      FieldOwnership.adoptCreate(member, gvr, existing, desired);
    }
    GenericKubernetesResource applied;
    try {
      applied =
          resources(gvr, namespace)
              .resource(Json.generic(toApply))
              .fieldManager(KarmadaMarks.FIELD_MANAGER)
              .forceConflicts()
              .serverSideApply();
    } catch (RuntimeException e) {
      if (namespace != null && ApiErrors.isNotFound(e)) {
        knownNamespaces.remove(namespace); // deleted behind our back: look again next time
      }
      throw e;
    }
    remember(gvr, namespace, name, desired, applied);
    ApplyOutcome outcome =
        unknown
            ? (applied.getMetadata().getManagedFields() == null
                    || applied.getMetadata().getManagedFields().size() <= 1
                ? ApplyOutcome.CREATED
                : ApplyOutcome.PATCHED)
            : existing == null
                ? ApplyOutcome.CREATED
                : Objects.equals(
                        existing.getMetadata().getResourceVersion(),
                        applied.getMetadata().getResourceVersion())
                    ? ApplyOutcome.NOOP
                    : ApplyOutcome.PATCHED;
    return new Applied(outcome, Json.tree(applied), null);
  }

  private static String objectKey(Gvr gvr, String namespace, String name) {
    return gvr.context().getGroup()
        + "/"
        + gvr.context().getPlural()
        + "/"
        + namespace
        + "/"
        + name;
  }

  /** Notes what was written (for the no-op check) and waits for a written CRD. */
  private void remember(
      Gvr gvr,
      String namespace,
      String name,
      ObjectNode desired,
      GenericKubernetesResource written) {
    lastApplied.put(
        objectKey(gvr, namespace, name),
        new LastApply(desired.toString(), written.getMetadata().getResourceVersion()));
    if (gvr.isCrd()) {
      awaitEstablished(name);
      invalidateServedVersions(desired);
    }
  }

  private NonNamespaceOperation<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>>
      resources(Gvr gvr, String namespace) {
    var op = member.genericKubernetesResources(gvr.context());
    return namespace == null ? op : op.inNamespace(namespace);
  }

  private static boolean managed(GenericKubernetesResource obj) {
    var labels = obj.getMetadata().getLabels();
    return labels != null
        && KarmadaMarks.MANAGED_VALUE.equals(labels.get(KarmadaMarks.MANAGED_LABEL));
  }

  private static boolean createdByAgent(GenericKubernetesResource obj) {
    var annotations = obj.getMetadata().getAnnotations();
    return annotations != null
        && ("true".equals(annotations.get(KarmadaMarks.IMPLICIT_NAMESPACE))
            || "true".equals(annotations.get(KarmadaMarks.AGENT_INSTALLED)));
  }

  /**
   * Namespaces are not always part of the Work; a real member rejects objects without one. The
   * namespace is marked so that a Work listing it later can adopt it.
   */
  private void ensureNamespace(String namespace) {
    if (knownNamespaces.contains(namespace)) {
      return;
    }
    if (member.namespaces().withName(namespace).get() != null) {
      knownNamespaces.add(namespace);
      return;
    }
    try {
      member
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(namespace)
                  .addToAnnotations(KarmadaMarks.IMPLICIT_NAMESPACE, "true")
                  .endMetadata()
                  .build())
          .create();
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
    }
    knownNamespaces.add(namespace);
  }

  /** Custom resources later in the Work can only be applied once their CRD is Established. */
  private void awaitEstablished(String crdName) {
    long deadline = System.nanoTime() + CRD_WAIT.toNanos();
    var crd = member.genericKubernetesResources(CRDS).withName(crdName);
    while (true) {
      GenericKubernetesResource current = crd.get();
      if (current != null
          && Conditions.isTrue(
              Json.tree(current).path("status").path("conditions"), "Established")) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "CustomResourceDefinition "
                + crdName
                + " is not Established after "
                + CRD_WAIT.toSeconds()
                + "s");
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for CRD " + crdName, e);
      }
    }
  }

  private void invalidateServedVersions(ObjectNode crd) {
    String group = Json.text(crd, "spec", "group");
    for (var v : crd.path("spec").path("versions")) {
      mapper.invalidate(group + "/" + v.path("name").asText());
    }
  }
}
