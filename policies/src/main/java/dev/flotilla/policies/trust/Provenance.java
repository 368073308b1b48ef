package dev.flotilla.policies.trust;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.names.Names;
import java.util.Optional;
import java.util.Set;

/**
 * What the hub's controllers take as an instruction. They run with full rights, so they act only on
 * what they can vouch for: a binding the resource detector could have made (a ResourceBinding whose
 * template lives in the binding's own namespace, a ClusterResourceBinding for a cluster-scoped
 * template) and nothing in a reserved namespace ({@code karmada-es-*}, {@code karmada-system},
 * {@code karmada-cluster}, {@code kube-*}), where agents and the control plane write. Otherwise
 * anyone who may write a binding somewhere could point it at another namespace's Secret and have
 * the hub copy it into a member.
 */
public final class Provenance {

  /** Policies, bindings, Works and Clusters steer propagation; they are never templates. */
  private static final Set<String> CONTROL_PLANE_GROUPS =
      Set.of("policy.karmada.io", "work.karmada.io", "cluster.karmada.io");

  private Provenance() {}

  /**
   * The parts of a (Cluster)ResourceBinding the rule reads.
   *
   * @param kind "ResourceBinding" or "ClusterResourceBinding"
   * @param namespace the binding's namespace; null or empty for a ClusterResourceBinding
   * @param resourceNamespace spec.resource.namespace; null or empty when absent
   */
  public record Binding(
      String kind,
      String namespace,
      String name,
      String resourceApiVersion,
      String resourceKind,
      String resourceNamespace,
      String resourceName) {

    /** Reads the parts from a binding held as a Jackson tree. */
    public static Binding of(JsonNode binding) {
      JsonNode r = binding.path("spec").path("resource");
      return new Binding(
          text(binding.path("kind")),
          text(binding.path("metadata").path("namespace")),
          text(binding.path("metadata").path("name")),
          text(r.path("apiVersion")),
          text(r.path("kind")),
          text(r.path("namespace")),
          text(r.path("name")));
    }

    private static String text(JsonNode n) {
      return n.isTextual() ? n.asText() : null;
    }

    /** "ResourceBinding ns/name" or "ClusterResourceBinding name", for messages. */
    public String describe() {
      return kind + " " + (empty(namespace) ? "" : namespace + "/") + name;
    }
  }

  /** True for namespaces where only the control plane and agents write. */
  public static boolean isReservedNamespace(String namespace) {
    return namespace != null
        && (Names.isReservedNamespace(namespace) || namespace.startsWith("kube-"));
  }

  /**
   * Objects the hub's own control plane writes into user namespaces, which every member has its own
   * copy of: the hub's {@code kube-root-ca.crt} must never replace a member's, so it is no template
   * and no dependency, whatever a policy selects.
   */
  public static boolean isControlPlaneObject(String apiVersion, String kind, String name) {
    // Each cluster makes its own of both (root-ca-cert-publisher, serviceaccount controller).
    return "v1".equals(apiVersion)
        && (("ConfigMap".equals(kind) && "kube-root-ca.crt".equals(name))
            || ("ServiceAccount".equals(kind) && "default".equals(name)));
  }

  /** Whether objects of this kind can be resource templates at all. */
  public static boolean isPropagatableKind(String apiVersion, String kind) {
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return !CONTROL_PLANE_GROUPS.contains(group) && !(group.isEmpty() && "Event".equals(kind));
  }

  /**
   * Why the controllers must not act on {@code b}, or empty when the detector could have made it.
   */
  public static Optional<String> bindingRefusal(Binding b) {
    boolean cluster = "ClusterResourceBinding".equals(b.kind());
    if (!cluster && !"ResourceBinding".equals(b.kind())) {
      return Optional.of(
          "it is a " + b.kind() + ", not a ResourceBinding or ClusterResourceBinding");
    }
    if (!cluster && empty(b.namespace())) {
      return Optional.of("a ResourceBinding without a namespace");
    }
    if (isReservedNamespace(b.namespace())) {
      return Optional.of(
          "it lives in the reserved namespace "
              + b.namespace()
              + ", where the hub takes no instructions; bindings are made by the resource detector"
              + " in their template's namespace");
    }
    if (empty(b.resourceApiVersion()) || empty(b.resourceKind()) || empty(b.resourceName())) {
      return Optional.of("spec.resource does not name a template (apiVersion, kind and name)");
    }
    String template =
        b.resourceApiVersion()
            + " "
            + b.resourceKind()
            + " "
            + (empty(b.resourceNamespace()) ? "" : b.resourceNamespace() + "/")
            + b.resourceName();
    if (!isPropagatableKind(b.resourceApiVersion(), b.resourceKind())) {
      return Optional.of("its template " + template + " is a control-plane kind, never propagated");
    }
    if (cluster && !empty(b.resourceNamespace())) {
      return Optional.of(
          "a ClusterResourceBinding is for cluster-scoped templates, but spec.resource is "
              + template);
    }
    if (!cluster && !b.namespace().equals(b.resourceNamespace())) {
      return Optional.of(
          "its template "
              + template
              + " is not in the binding's namespace "
              + b.namespace()
              + "; a ResourceBinding propagates only a template of its own namespace");
    }
    return Optional.empty();
  }

  /** Why a namespaced policy must be ignored (it lives in a reserved namespace), or empty. */
  public static Optional<String> policyRefusal(String kind, String namespace, String name) {
    if (isReservedNamespace(namespace)) {
      return Optional.of(
          kind
              + " "
              + namespace
              + "/"
              + name
              + " lives in the reserved namespace "
              + namespace
              + ", where the hub takes no instructions");
    }
    return Optional.empty();
  }

  /**
   * Why the template of {@code b} must not even be read, or empty: a ResourceBinding names a
   * namespaced kind, a ClusterResourceBinding a cluster-scoped one. Otherwise a read would resolve
   * outside the binding's namespace (a ClusterRole through a ResourceBinding, a Secret of the
   * client's default namespace through a ClusterResourceBinding).
   *
   * @param namespacedKind whether the hub serves the template's kind per namespace
   */
  public static Optional<String> scopeRefusal(Binding b, boolean namespacedKind) {
    boolean cluster = "ClusterResourceBinding".equals(b.kind());
    if (cluster == namespacedKind) {
      return Optional.of(
          "its template kind "
              + b.resourceApiVersion()
              + " "
              + b.resourceKind()
              + " is "
              + (namespacedKind ? "namespaced" : "cluster-scoped")
              + ", but a "
              + b.kind()
              + " is for "
              + (cluster ? "cluster-scoped" : "namespaced")
              + " templates");
    }
    return Optional.empty();
  }

  /**
   * Why a template read for {@code b} must not be used, or empty: it must live exactly where the
   * binding says (cluster-scoped for a ClusterResourceBinding), so a read that resolved elsewhere,
   * such as a namespaced kind named without a namespace, never reaches a member.
   */
  public static Optional<String> templateRefusal(Binding b, String templateNamespace) {
    String expected = "ClusterResourceBinding".equals(b.kind()) ? null : b.namespace();
    if (empty(expected) ? !empty(templateNamespace) : !expected.equals(templateNamespace)) {
      return Optional.of(
          "the template found lives in namespace "
              + (empty(templateNamespace) ? "(none)" : templateNamespace)
              + ", not where "
              + b.describe()
              + " is");
    }
    return Optional.empty();
  }

  private static boolean empty(String s) {
    return s == null || s.isEmpty();
  }
}
