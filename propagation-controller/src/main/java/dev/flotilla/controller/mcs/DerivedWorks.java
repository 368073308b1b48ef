package dev.flotilla.controller.mcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The Work {@code mcs-derived-<ns>-<svc>} the hub gives each consumer: the derived Service {@code
 * <prefix><svc>} and one EndpointSlice set per Ready source cluster. The prefix follows where the
 * consumer's import came from, so Karmada's and ACK One's walkthroughs both read true on one hub:
 * {@code derived-} (Karmada) for an import propagated from the hub, {@code amcs-} (ACK One) for one
 * created in the member; a configured prefix overrides both. Pure.
 */
final class DerivedWorks {
  /** Karmada's prefix, for imports that arrive through the hub. */
  static final String KARMADA_PREFIX = "derived-";

  /** ACK One Fleet's prefix, for imports created in the member. */
  static final String ACK_PREFIX = "amcs-";

  private final String override;

  /**
   * @param override the prefix of every derived Service, or null to follow each import's origin
   */
  DerivedWorks(String override) {
    this.override = override;
  }

  /**
   * The derived Service prefix for an import of {@code origin} (see {@link
   * McsNames#IMPORT_ORIGIN}).
   */
  String prefixFor(String origin) {
    if (override != null) {
      return override;
    }
    return "member".equals(origin) ? ACK_PREFIX : KARMADA_PREFIX;
  }

  /** The derived Service and slices for one consumer, as a Work in its execution namespace. */
  ObjectNode derivedWork(
      String consumer,
      String origin,
      String ns,
      String svc,
      ServiceMerge.Result merged,
      List<ServiceMerge.Export> sources) {
    String prefix = prefixFor(origin);
    String derivedName = McsNames.truncate(prefix + svc, 63);
    ObjectNode work = Trees.MAPPER.createObjectNode();
    work.put("apiVersion", "work.karmada.io/v1alpha1");
    work.put("kind", "Work");
    ObjectNode meta = work.putObject("metadata");
    meta.put("name", McsNames.workName("mcs-derived", ns, svc));
    meta.put("namespace", Names.EXECUTION_NAMESPACE_PREFIX + consumer);
    ObjectNode labels = meta.putObject("labels");
    labels.put(McsNames.ROLE, "derived");
    labels.put(McsNames.SERVICE_NAMESPACE, ns);
    labels.put(McsNames.SERVICE_NAME, svc);
    ObjectNode annotations = meta.putObject("annotations");
    annotations.put(McsNames.DERIVED_SERVICE, derivedName);
    List<String> sourceNames = new ArrayList<>();
    sources.forEach(s -> sourceNames.add(s.cluster()));
    annotations.put(McsNames.SOURCE_CLUSTERS, String.join(",", new TreeSet<>(sourceNames)));
    ArrayNode manifests = work.putObject("spec").putObject("workload").putArray("manifests");
    ObjectNode service = manifests.addObject();
    service.put("apiVersion", "v1");
    service.put("kind", "Service");
    ObjectNode smeta = service.putObject("metadata");
    smeta.put("name", derivedName);
    smeta.put("namespace", ns);
    smeta.putObject("labels").put(McsNames.MCS_SERVICE_NAME, svc);
    ObjectNode spec = service.putObject("spec");
    spec.put("type", "ClusterIP");
    if (merged.headless()) {
      spec.put("clusterIP", "None");
    }
    ArrayNode ports = spec.putArray("ports");
    for (JsonNode p : merged.ports()) {
      ObjectNode q = ports.addObject();
      q.setAll((ObjectNode) p);
    }
    if (ports.isEmpty() && !merged.headless()) {
      ports.addObject().put("name", "none").put("protocol", "TCP").put("port", 1);
    }
    copyTrafficProperties(merged, spec);
    // internalTrafficPolicy=Local on a Service whose endpoints are all in other clusters would
    // drop every packet: the property stays on the ServiceImport only.
    spec.remove("internalTrafficPolicy");
    // The consumer chooses its own families: an exporter's IPv6 or dual stack would be refused by
    // a single-stack consumer, and a primary family cannot change once the Service exists.
    spec.remove("ipFamilies");
    for (ServiceMerge.Export source : sources) {
      List<JsonNode> slices = source.slices();
      for (int i = 0; i < slices.size(); i++) {
        JsonNode s = slices.get(i);
        ObjectNode slice = manifests.addObject();
        slice.put("apiVersion", "discovery.k8s.io/v1");
        slice.put("kind", "EndpointSlice");
        ObjectNode m = slice.putObject("metadata");
        m.put(
            "name",
            McsNames.truncate(
                prefix + svc + "-" + source.cluster() + (slices.size() > 1 ? "-" + i : ""), 63));
        m.put("namespace", ns);
        ObjectNode l = m.putObject("labels");
        l.put(McsNames.KUBE_SERVICE_NAME, derivedName);
        l.put(McsNames.MCS_SERVICE_NAME, svc);
        l.put(McsNames.MCS_SOURCE_CLUSTER, source.cluster());
        l.put(McsNames.SLICE_MANAGED_BY, McsNames.CONTROLLER);
        slice.put("addressType", s.path("addressType").asText("IPv4"));
        ArrayNode endpoints = slice.putArray("endpoints");
        for (JsonNode e : s.path("endpoints")) {
          ObjectNode ep = e.deepCopy();
          if (!merged.headless()) {
            ep.remove("hostname");
          }
          endpoints.add(ep);
        }
        slice.set(
            "ports",
            s.path("ports").isArray() ? s.get("ports").deepCopy() : Trees.MAPPER.createArrayNode());
      }
    }
    return work;
  }

  /** Affinity and traffic properties, as the derived Service and the ServiceImport both carry. */
  static void copyTrafficProperties(ServiceMerge.Result merged, ObjectNode spec) {
    spec.put("sessionAffinity", merged.sessionAffinity());
    if (merged.sessionAffinityConfig() != null && !merged.headless()) {
      spec.set("sessionAffinityConfig", merged.sessionAffinityConfig().deepCopy());
    }
    if (!merged.internalTrafficPolicy().isMissingNode()) {
      spec.set("internalTrafficPolicy", merged.internalTrafficPolicy().deepCopy());
    }
    if (!merged.trafficDistribution().isMissingNode()) {
      spec.set("trafficDistribution", merged.trafficDistribution().deepCopy());
    }
    if (!merged.ipFamilies().isMissingNode()) {
      spec.set("ipFamilies", merged.ipFamilies().deepCopy());
    }
  }
}
