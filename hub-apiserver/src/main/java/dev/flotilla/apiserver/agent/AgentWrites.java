package dev.flotilla.apiserver.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.certificates.Csrs;
import dev.flotilla.apiserver.objects.Admission.Operation;
import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which writes of a member agent the hub admits, decided on the object (pure; no I/O). An agent
 * writes what Karmada's pull-mode agent writes, and nothing that could steer the hub:
 *
 * <ul>
 *   <li>Works: status freely; on a Work the hub made, only its own finalizer {@value
 *       #EXECUTION_FINALIZER}; MCS report Works ({@value #MCS_ROLE} export or import, suspended,
 *       holding only the kinds a report carries) it may create, change and delete.
 *   <li>its Cluster: created (registration) or changed only in what registration reports (labels,
 *       {@code spec.syncMode: Pull}, apiEndpoint, id, provider, region, zones); taints and every
 *       other field stay the administrator's; status freely.
 *   <li>its Lease: only the one named after its cluster.
 *   <li>CertificateSigningRequests: created only for its own identity (certificate renewal).
 * </ul>
 */
public final class AgentWrites {
  public static final String EXECUTION_PREFIX = Names.EXECUTION_NAMESPACE_PREFIX;
  public static final String EXECUTION_FINALIZER = "karmada.io/execution-controller";
  public static final String MCS_ROLE = "flotilla.dev/mcs-role";

  /** The one-line rule for Works, shown with every refusal of a Work write. */
  static final String WORK_RULE =
      "an agent writes a Work's status, adds or removes the "
          + EXECUTION_FINALIZER
          + " finalizer, and creates, changes or deletes only MCS report Works (label "
          + MCS_ROLE
          + "=export|import, spec.suspendDispatching: true, manifests of the kinds a report"
          + " carries)";

  /** The spec fields registration reports about the member (the agent's ClusterSpecs). */
  static final Set<String> REGISTRATION_SPEC =
      Set.of("syncMode", "apiEndpoint", "id", "provider", "region", "zones");

  /** Manifest kinds per report role, as group/kind (the agent's McsProtocol). */
  private static final Map<String, Set<String>> REPORT_KINDS =
      Map.of(
          "export",
          Set.of(
              "multicluster.x-k8s.io/ServiceExport", "/Service", "discovery.k8s.io/EndpointSlice"),
          "import",
          Set.of("multicluster.x-k8s.io/ServiceImport"));

  /** The only label outside flotilla.dev/ a report carries (on exports, as Karmada's). */
  private static final String EXPORT_MANAGED_BY = "endpointslice.karmada.io/managed-by";

  /** Metadata the server keeps itself; it says nothing about what the writer changed. */
  private static final Set<String> SERVER_METADATA =
      Set.of("resourceVersion", "managedFields", "generation");

  private AgentWrites() {}

  /**
   * Null when the agent of {@code cluster} may make this write, else why not.
   *
   * @param groupResource e.g. {@code works.work.karmada.io}
   * @param subresource "status" or null
   * @param object the object to store (null for DELETE)
   * @param old the stored object (null for CREATE)
   */
  public static String refusal(
      String cluster,
      Operation op,
      String groupResource,
      String name,
      String subresource,
      ObjectNode object,
      ObjectNode old) {
    return switch (groupResource) {
      case "works.work.karmada.io" -> work(op, subresource, object, old);
      case "clusters.cluster.karmada.io" -> cluster(cluster, op, name, subresource, object, old);
      case "leases.coordination.k8s.io" ->
          cluster.equals(name) ? null : "an agent keeps only its own Lease \"" + cluster + "\"";
      case "events", "events.events.k8s.io" -> null;
      case "certificatesigningrequests.certificates.k8s.io" -> renewal(cluster, op, object);
      default ->
          "an agent writes only its Cluster, its Lease, Works, events and the request that"
              + " renews its own certificate";
    };
  }

  /** An agent posts CSRs only to renew its own certificate: for its own identity, nothing else. */
  static String renewal(String cluster, Operation op, ObjectNode csr) {
    if (op != Operation.CREATE) {
      return "an agent only creates the request that renews its own certificate";
    }
    String cn;
    try {
      cn = Csrs.commonName(Csrs.request(csr));
    } catch (RuntimeException e) {
      return null; // unreadable: CSR validation refuses it with the reason
    }
    return cn.equals(AgentTokens.USER_PREFIX + cluster)
        ? null
        : "an agent asks for certificates of its own identity "
            + AgentTokens.USER_PREFIX
            + cluster
            + " only, not "
            + cn;
  }

  static String work(Operation op, String subresource, ObjectNode object, ObjectNode old) {
    if ("status".equals(subresource)) {
      return null;
    }
    switch (op) {
      case CREATE -> {
        String problem = reportProblem(object);
        return problem == null ? null : "not an MCS report Work (" + problem + "); " + WORK_RULE;
      }
      case DELETE -> {
        String problem = reportProblem(old);
        return problem == null ? null : "not an MCS report Work (" + problem + "); " + WORK_RULE;
      }
      default -> {
        if (reportProblem(old) == null) {
          String problem = reportProblem(object);
          return problem == null
              ? null
              : "a report Work must stay a report (" + problem + "); " + WORK_RULE;
        }
        List<String> changed = changedBesidesFinalizers(old, object);
        if (!changed.isEmpty()) {
          return "changes " + String.join(", ", changed) + " of a Work the hub made; " + WORK_RULE;
        }
        Set<String> moved = symmetricDifference(finalizers(old), finalizers(object));
        moved.remove(EXECUTION_FINALIZER);
        return moved.isEmpty()
            ? null
            : "changes finalizers " + moved + " of a Work the hub made; " + WORK_RULE;
      }
    }
  }

  /** Null when {@code work} is an MCS report, else what it lacks. */
  static String reportProblem(ObjectNode work) {
    JsonNode meta = work.path("metadata");
    String role = meta.path("labels").path(MCS_ROLE).asText("");
    Set<String> kinds = REPORT_KINDS.get(role);
    if (kinds == null) {
      return "label " + MCS_ROLE + " is \"" + role + "\", not export or import";
    }
    if (!work.path("spec").path("suspendDispatching").asBoolean(false)) {
      return "spec.suspendDispatching is not true";
    }
    for (String label : keys(meta.path("labels"))) {
      if (!label.startsWith("flotilla.dev/") && !label.equals(EXPORT_MANAGED_BY)) {
        return "label " + label + " is not one a report carries";
      }
    }
    for (String annotation : keys(meta.path("annotations"))) {
      if (!annotation.startsWith("flotilla.dev/")) {
        return "annotation " + annotation + " is not one a report carries";
      }
    }
    if (!meta.path("ownerReferences").isEmpty()) {
      return "a report has no ownerReferences";
    }
    Set<String> finalizers = finalizers(work);
    finalizers.remove(EXECUTION_FINALIZER);
    if (!finalizers.isEmpty()) {
      return "finalizers " + finalizers + " are not ones a report carries";
    }
    int i = 0;
    for (JsonNode m : work.path("spec").path("workload").path("manifests")) {
      String apiVersion = m.path("apiVersion").asText("");
      int slash = apiVersion.indexOf('/');
      String groupKind =
          (slash < 0 ? "" : apiVersion.substring(0, slash)) + "/" + m.path("kind").asText();
      if (!kinds.contains(groupKind)) {
        return "manifest "
            + i
            + " is a "
            + apiVersion
            + " "
            + m.path("kind").asText()
            + ", which an "
            + role
            + " report does not carry";
      }
      i++;
    }
    return null;
  }

  static String cluster(
      String cluster,
      Operation op,
      String name,
      String subresource,
      ObjectNode object,
      ObjectNode old) {
    if (!cluster.equals(name)) {
      return "an agent registers only its own Cluster \"" + cluster + "\"";
    }
    if (op == Operation.DELETE) {
      return "an agent never deletes a Cluster; an administrator removes clusters";
    }
    if ("status".equals(subresource)) {
      return null;
    }
    JsonNode spec = object.path("spec");
    JsonNode oldSpec = old == null ? null : old.path("spec");
    JsonNode syncMode = spec.get("syncMode");
    if (syncMode != null
        && !syncMode.asText().equals("Pull")
        && (oldSpec == null || !syncMode.equals(oldSpec.get("syncMode")))) {
      return "a registering agent sets spec.syncMode to Pull only";
    }
    Set<String> fields = new TreeSet<>(keys(spec));
    if (oldSpec != null) {
      fields.addAll(keys(oldSpec));
    }
    for (String f : fields) {
      if (!REGISTRATION_SPEC.contains(f)
          && !same(spec.get(f), oldSpec == null ? null : oldSpec.get(f))) {
        return "spec."
            + f
            + " is the administrator's; registration reports only labels and spec."
            + String.join(", spec.", new TreeSet<>(REGISTRATION_SPEC));
      }
    }
    for (String f : List.of("annotations", "finalizers", "ownerReferences")) {
      JsonNode now = object.path("metadata").get(f);
      JsonNode before = old == null ? null : old.path("metadata").get(f);
      if (!emptyOrNull(now) || !emptyOrNull(before)) {
        if (!same(now, before)) {
          return "metadata." + f + " of a Cluster is the administrator's";
        }
      }
    }
    return null;
  }

  /** The top-level fields and metadata fields that differ, besides finalizers and server data. */
  private static List<String> changedBesidesFinalizers(ObjectNode old, ObjectNode now) {
    List<String> changed = new ArrayList<>();
    Set<String> top = new TreeSet<>(keys(old));
    top.addAll(keys(now));
    top.remove("status");
    top.remove("metadata");
    for (String f : top) {
      if (!same(old.get(f), now.get(f))) {
        changed.add(f);
      }
    }
    Set<String> meta = new TreeSet<>(keys(old.path("metadata")));
    meta.addAll(keys(now.path("metadata")));
    meta.removeAll(SERVER_METADATA);
    meta.remove("finalizers");
    for (String f : meta) {
      JsonNode a = old.path("metadata").get(f);
      JsonNode b = now.path("metadata").get(f);
      if (!(emptyOrNull(a) && emptyOrNull(b)) && !same(a, b)) {
        changed.add("metadata." + f);
      }
    }
    return changed;
  }

  /** JSON equality; as text too, since built trees hold longs where parsed ones hold ints. */
  private static boolean same(JsonNode a, JsonNode b) {
    return a == null ? b == null : b != null && (a.equals(b) || a.toString().equals(b.toString()));
  }

  private static boolean emptyOrNull(JsonNode n) {
    return n == null || n.isNull() || (n.isContainerNode() && n.isEmpty());
  }

  private static Set<String> finalizers(JsonNode obj) {
    Set<String> out = new TreeSet<>();
    obj.path("metadata").path("finalizers").forEach(f -> out.add(f.asText()));
    return out;
  }

  private static Set<String> symmetricDifference(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    Set<String> both = new TreeSet<>(a);
    both.retainAll(b);
    out.removeAll(both);
    return out;
  }

  private static List<String> keys(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null && node.isObject()) {
      Iterator<String> it = node.fieldNames();
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
