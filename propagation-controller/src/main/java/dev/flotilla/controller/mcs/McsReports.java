package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the hub accepts as an agent's MCS report before acting on it. A report is a suspended Work
 * an agent writes into its own execution namespace {@code karmada-es-<cluster>}, and it speaks for
 * that cluster only: the source cluster is the namespace's, never anything the content says. An
 * export report ({@code svcexport-<ns>-<svc>}) holds one ServiceExport and one Service named as its
 * labels say, plus that Service's EndpointSlices; an import report ({@code svcimport-<ns>-<svc>})
 * holds one ServiceImport. Anything else (another kind, another namespace or name, a manifest
 * naming another source cluster) makes the whole report void. Pure.
 */
public final class McsReports {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private McsReports() {}

  /**
   * Why the hub must ignore this Work as an MCS report, or null when it may act on it (or when it
   * is not a report at all: the hub's own derived Works).
   */
  public static String problem(GenericKubernetesResource work) {
    Map<String, String> labels = work.getMetadata().getLabels();
    String role = labels == null ? null : labels.get(McsNames.ROLE);
    if (!"export".equals(role) && !"import".equals(role)) {
      return null;
    }
    String ns = work.getMetadata().getNamespace();
    if (ns == null || !ns.startsWith(Names.EXECUTION_NAMESPACE_PREFIX)) {
      return "a report belongs in an execution namespace "
          + Names.EXECUTION_NAMESPACE_PREFIX
          + "<cluster>";
    }
    String origin = originProblem(role, work.getMetadata().getAnnotations());
    if (origin != null) {
      return origin;
    }
    return problem(
        ns.substring(Names.EXECUTION_NAMESPACE_PREFIX.length()),
        role,
        work.getMetadata().getName(),
        labels,
        Trees.tree(work).path("spec"));
  }

  /**
   * Why the report's {@link McsNames#IMPORT_ORIGIN} cannot be acted on, or null: an import report
   * may say {@code hub} or {@code member} (or nothing, as older agents: {@code hub}); an export
   * report says nothing.
   */
  static String originProblem(String role, Map<String, String> annotations) {
    String origin = annotations == null ? null : annotations.get(McsNames.IMPORT_ORIGIN);
    if (origin == null
        || (role.equals("import") && (origin.equals("hub") || origin.equals("member")))) {
      return null;
    }
    return role.equals("import")
        ? "annotation " + McsNames.IMPORT_ORIGIN + " must be hub or member, not \"" + origin + "\""
        : "an export report carries no " + McsNames.IMPORT_ORIGIN + " annotation";
  }

  /**
   * Why the hub must ignore this report, or null when it may act on it.
   *
   * @param cluster the cluster of the report's execution namespace
   * @param role the {@code flotilla.dev/mcs-role} label: {@code export} or {@code import}
   * @param name the Work's name
   * @param labels the Work's labels
   * @param spec the Work's spec
   */
  static String problem(
      String cluster, String role, String name, Map<String, String> labels, JsonNode spec) {
    String ns = labels.get(McsNames.SERVICE_NAMESPACE);
    String svc = labels.get(McsNames.SERVICE_NAME);
    if (ns == null
        || svc == null
        || !DNS_LABEL.matcher(ns).matches()
        || !DNS_LABEL.matcher(svc).matches()) {
      return "labels "
          + McsNames.SERVICE_NAMESPACE
          + " and "
          + McsNames.SERVICE_NAME
          + " must name a namespace and a Service";
    }
    String kind = role.equals("export") ? "svcexport" : "svcimport";
    String expected = McsNames.workName(kind, ns, svc);
    if (!expected.equals(name)) {
      return "a " + role + " report of " + ns + "/" + svc + " must be named " + expected;
    }
    if (!spec.path("suspendDispatching").asBoolean(false)) {
      return "a report must be a suspended Work (spec.suspendDispatching: true)";
    }
    int exports = 0;
    int services = 0;
    int imports = 0;
    for (JsonNode m : spec.path("workload").path("manifests")) {
      String what = m.path("apiVersion").asText() + " " + m.path("kind").asText();
      JsonNode meta = m.path("metadata");
      if (!ns.equals(meta.path("namespace").asText())) {
        return what + " " + meta.path("name").asText() + " is not in namespace " + ns;
      }
      String claimed = sourceClaim(meta);
      if (claimed != null && !claimed.equals(cluster)) {
        return what
            + " claims source cluster "
            + claimed
            + ", but the report is in the execution namespace of "
            + cluster;
      }
      boolean named = svc.equals(meta.path("name").asText());
      switch (role + " " + what) {
        case "export multicluster.x-k8s.io/v1alpha1 ServiceExport",
            "export multicluster.x-k8s.io/v1beta1 ServiceExport" -> {
          if (!named) {
            return "the ServiceExport must be named " + svc;
          }
          exports++;
        }
        case "export v1 Service" -> {
          if (!named) {
            return "the Service must be named " + svc;
          }
          services++;
        }
        case "export discovery.k8s.io/v1 EndpointSlice" -> {
          String of = meta.path("labels").path(McsNames.KUBE_SERVICE_NAME).asText(svc);
          if (!svc.equals(of) || meta.path("name").asText().isEmpty()) {
            return "EndpointSlice " + meta.path("name").asText() + " is not one of Service " + svc;
          }
        }
        case "import multicluster.x-k8s.io/v1alpha1 ServiceImport",
            "import multicluster.x-k8s.io/v1beta1 ServiceImport" -> {
          if (!named) {
            return "the ServiceImport must be named " + svc;
          }
          imports++;
        }
        default -> {
          return what + " does not belong in an MCS " + role + " report";
        }
      }
    }
    if (role.equals("export") && (exports != 1 || services != 1)) {
      return "an export report holds exactly one ServiceExport and one Service";
    }
    if (role.equals("import") && imports != 1) {
      return "an import report holds exactly one ServiceImport";
    }
    return null;
  }

  /** A source cluster the manifest names in its labels or annotations, if any. */
  private static String sourceClaim(JsonNode meta) {
    for (String field : new String[] {"labels", "annotations"}) {
      JsonNode value = meta.path(field).path(McsNames.MCS_SOURCE_CLUSTER);
      if (!value.isMissingNode()) {
        return value.asText();
      }
    }
    return null;
  }
}
