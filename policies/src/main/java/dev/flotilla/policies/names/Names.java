package dev.flotilla.policies.names;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Object names and well-known keys, spelled exactly as Karmada spells them so Karmada users find
 * what they expect.
 */
public final class Names {

  /** Prefix of the per-cluster namespace that holds the cluster's Works. */
  public static final String EXECUTION_NAMESPACE_PREFIX = "karmada-es-";

  /** Namespace of the control plane components; never propagated. */
  public static final String NAMESPACE_KARMADA_SYSTEM = "karmada-system";

  /** Namespace of cluster Leases and push-mode secrets; never propagated. */
  public static final String NAMESPACE_KARMADA_CLUSTER = "karmada-cluster";

  /** Namespace where pull-mode agents renew their Leases. */
  public static final String LEASE_NAMESPACE = NAMESPACE_KARMADA_CLUSTER;

  // Labels and annotations on resource templates (the claim of a propagation policy).
  public static final String MANAGED_LABEL = "karmada.io/managed";
  public static final String MANAGED_LABEL_VALUE = "true";
  public static final String PP_NAMESPACE_ANNOTATION = "propagationpolicy.karmada.io/namespace";
  public static final String PP_NAME_ANNOTATION = "propagationpolicy.karmada.io/name";
  public static final String CPP_NAME_ANNOTATION = "clusterpropagationpolicy.karmada.io/name";
  public static final String PP_PERMANENT_ID_LABEL = "propagationpolicy.karmada.io/permanent-id";
  public static final String CPP_PERMANENT_ID_LABEL =
      "clusterpropagationpolicy.karmada.io/permanent-id";

  // Labels and annotations on bindings, Works and the manifests inside Works.
  public static final String RB_PERMANENT_ID_LABEL = "resourcebinding.karmada.io/permanent-id";
  public static final String CRB_PERMANENT_ID_LABEL =
      "clusterresourcebinding.karmada.io/permanent-id";
  public static final String WORK_PERMANENT_ID_LABEL = "work.karmada.io/permanent-id";
  public static final String RB_NAMESPACE_ANNOTATION = "resourcebinding.karmada.io/namespace";
  public static final String RB_NAME_ANNOTATION = "resourcebinding.karmada.io/name";
  public static final String CRB_NAME_ANNOTATION = "clusterresourcebinding.karmada.io/name";
  public static final String WORK_NAME_ANNOTATION = "work.karmada.io/name";
  public static final String WORK_NAMESPACE_ANNOTATION = "work.karmada.io/namespace";
  public static final String CONFLICT_RESOLUTION_ANNOTATION = "work.karmada.io/conflict-resolution";

  /**
   * Value of {@link #CONFLICT_RESOLUTION_ANNOTATION}: take over objects that already exist in the
   * member.
   */
  public static final String CONFLICT_RESOLUTION_OVERWRITE = "overwrite";

  /**
   * Value of {@link #CONFLICT_RESOLUTION_ANNOTATION}: refuse to touch objects Karmada did not
   * create (default).
   */
  public static final String CONFLICT_RESOLUTION_ABORT = "abort";

  public static final String RESOURCE_TEMPLATE_UID_ANNOTATION = "resourcetemplate.karmada.io/uid";
  public static final String RESOURCE_TEMPLATE_GENERATION_ANNOTATION =
      "resourcetemplate.karmada.io/generation";
  public static final String APPLIED_OVERRIDES_ANNOTATION = "policy.karmada.io/applied-overrides";
  public static final String APPLIED_CLUSTER_OVERRIDES_ANNOTATION =
      "policy.karmada.io/applied-cluster-overrides";
  public static final String APPLIED_PLACEMENT_ANNOTATION = "policy.karmada.io/applied-placement";

  // Finalizers, so controllers clean up members before the object goes away.
  public static final String EXECUTION_CONTROLLER_FINALIZER = "karmada.io/execution-controller";
  public static final String BINDING_CONTROLLER_FINALIZER = "karmada.io/binding-controller";
  public static final String CRB_CONTROLLER_FINALIZER =
      "karmada.io/cluster-resource-binding-controller";
  public static final String PP_CONTROLLER_FINALIZER = "karmada.io/propagation-policy-controller";
  public static final String CPP_CONTROLLER_FINALIZER =
      "karmada.io/cluster-propagation-policy-controller";

  // Taints the cluster controller puts on member clusters.
  public static final String TAINT_NOT_READY = "cluster.karmada.io/not-ready";
  public static final String TAINT_UNREACHABLE = "cluster.karmada.io/unreachable";
  public static final String TAINT_UNSCHEDULABLE = "cluster.karmada.io/unschedulable";

  /** Characters Kubernetes' rand.SafeEncodeString maps digits onto (no vowels, so no words). */
  private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private Names() {}

  /** The namespace holding Works for {@code cluster}: {@code karmada-es-<cluster>}. */
  public static String executionNamespace(String cluster) {
    return EXECUTION_NAMESPACE_PREFIX + cluster;
  }

  /** The cluster an execution namespace belongs to, or empty if the name lacks the prefix. */
  public static Optional<String> clusterOf(String executionNamespace) {
    if (executionNamespace == null || !executionNamespace.startsWith(EXECUTION_NAMESPACE_PREFIX)) {
      return Optional.empty();
    }
    return Optional.of(executionNamespace.substring(EXECUTION_NAMESPACE_PREFIX.length()));
  }

  /** Whether objects in {@code namespace} belong to the control plane and are never propagated. */
  public static boolean isReservedNamespace(String namespace) {
    return NAMESPACE_KARMADA_SYSTEM.equals(namespace)
        || NAMESPACE_KARMADA_CLUSTER.equals(namespace)
        || (namespace != null && namespace.startsWith(EXECUTION_NAMESPACE_PREFIX));
  }

  /**
   * ResourceBinding name for a template: {@code lower(name-kind)}. RBAC names may hold ':' which a
   * CRD object name cannot, so Karmada turns it into '.'; other odd characters are left alone as
   * Karmada does.
   */
  public static String bindingName(String name, String kind) {
    return (dotColons(name) + "-" + kind).toLowerCase(Locale.ROOT);
  }

  /**
   * Work name for a template, as Karmada's GenerateWorkName: the lowercased name plus the safe
   * encoding of the FNV-32a hash of {@code lower(namespace-name-kind)} (or {@code lower(name-kind)}
   * when cluster-scoped), so two kinds with the same name never collide in one execution namespace.
   */
  public static String workName(String namespace, String name, String kind) {
    String lowered = dotColons(name).toLowerCase(Locale.ROOT);
    String hashed =
        (namespace == null || namespace.isEmpty())
            ? lowered + "-" + kind
            : namespace + "-" + lowered + "-" + kind;
    long hash = fnv32a(hashed.toLowerCase(Locale.ROOT));
    return lowered + "-" + safeEncode(Long.toString(hash));
  }

  /** FNV-1a, 32 bit, over the UTF-8 bytes; returned unsigned. */
  public static long fnv32a(String text) {
    int hash = 0x811c9dc5;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x01000193;
    }
    return Integer.toUnsignedLong(hash);
  }

  /**
   * Karmada's GenerateBindingReferenceKey: the safe encoding of the FNV-32a hash of {@code
   * namespace/name} (or {@code name} for a ClusterResourceBinding), which names the {@code
   * resourcebinding.karmada.io/depended-by-<key>} label of attached bindings.
   */
  public static String bindingReferenceKey(String namespace, String name) {
    String ref = namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    return safeEncode(Long.toString(fnv32a(ref)));
  }

  private static String safeEncode(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      out.append(SAFE_ALPHABET.charAt(text.charAt(i) % SAFE_ALPHABET.length()));
    }
    return out.toString();
  }

  private static String dotColons(String name) {
    return name.replace(':', '.');
  }
}
