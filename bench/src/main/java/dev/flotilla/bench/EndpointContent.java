package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.names.McsNames;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a consumer must see of a provider's EndpointSlice: each address with its ready condition,
 * sorted, as one comparable string ("10.1.0.4=R,10.1.0.9=N"). Hostnames, zones, targetRefs and
 * labels differ between a provider slice and its derived copy on purpose, so they are left out.
 * Also where a lost change was last seen: in a Work on the hub, or in a consumer's slices.
 */
final class EndpointContent {
  private EndpointContent() {}

  static String of(JsonNode slice) {
    List<String> out = new ArrayList<>();
    for (JsonNode e : slice.path("endpoints")) {
      JsonNode ready = e.path("conditions").path("ready");
      String flag = ready.isMissingNode() || ready.isNull() || ready.asBoolean() ? "R" : "N";
      for (JsonNode a : e.path("addresses")) {
        out.add(a.asText() + "=" + flag);
      }
    }
    Collections.sort(out);
    return String.join(",", out);
  }

  /** Addresses counted, ready or not. */
  static int size(String content) {
    return content.isEmpty() ? 0 : content.split(",").length;
  }

  /** The endpoints a Work carries (from {@code source}, if given), for reporting a lost change. */
  static String inWork(FleetUnderTest fleet, String cluster, String name, String source) {
    try {
      GenericKubernetesResource w =
          fleet
              .admin
              .genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
              .inNamespace(Names.executionNamespace(cluster))
              .withName(name)
              .get();
      if (w == null) {
        return "none";
      }
      List<String> out = new ArrayList<>();
      var tree = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(w);
      for (var m : tree.path("spec").path("workload").path("manifests")) {
        String from =
            m.path("metadata").path("labels").path(McsNames.MCS_SOURCE_CLUSTER).asText(null);
        if ("EndpointSlice".equals(m.path("kind").asText())
            && (source == null || source.equals(from))) {
          out.add(of(m));
        }
      }
      return String.join(" | ", out)
          + "; rv "
          + w.getMetadata().getResourceVersion()
          + ", generation "
          + w.getMetadata().getGeneration();
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** The endpoints of a consumer's derived slices from {@code provider}, for the same report. */
  static String inConsumerSlices(
      FleetUnderTest fleet, String consumer, String ns, String svc, String provider) {
    try {
      List<String> out = new ArrayList<>();
      for (var s :
          fleet
              .memberClients
              .get(fleet.memberNames.indexOf(consumer))
              .discovery()
              .v1()
              .endpointSlices()
              .inNamespace(ns)
              .withLabel(McsNames.MCS_SERVICE_NAME, svc)
              .withLabel(McsNames.MCS_SOURCE_CLUSTER, provider)
              .list()
              .getItems()) {
        out.add(
            of(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(s))
                + " (rv "
                + s.getMetadata().getResourceVersion()
                + ")");
      }
      return String.join(" | ", out);
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
