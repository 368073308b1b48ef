package dev.flotilla.apiserver.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.policies.matching.PolicyChoice;
import dev.flotilla.policies.matching.PolicyMatcher;
import dev.flotilla.policies.names.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the placement preview says beside the schedule: a template the policy selects but another
 * policy governs (and which one), the policy that claims a template today, and cluster names in the
 * placement that no Cluster has.
 */
final class ClaimNotes {
  private ClaimNotes() {}

  /** Whether the policy's resourceSelectors select the template, claims aside. */
  static boolean selects(JsonNode policy, ObjectNode template) {
    ObjectNode unclaimed = template.deepCopy();
    ObjectNode meta = unclaimed.with("metadata");
    meta.remove("annotations"); // the claim marks: judge the selectors alone
    if (meta.path("labels").isObject()) {
      ((ObjectNode) meta.get("labels"))
          .remove(List.of(Names.PP_PERMANENT_ID_LABEL, Names.CPP_PERMANENT_ID_LABEL));
    }
    boolean cluster = "ClusterPropagationPolicy".equals(policy.path("kind").asText());
    List<JsonNode> one = List.of(policy);
    return PolicyMatcher.choose(unclaimed, cluster ? List.of() : one, cluster ? one : List.of())
            .policy()
        != null;
  }

  /** The policy that claims the template today, when it is not {@code policy}. */
  static Optional<String> currentClaimant(JsonNode template, JsonNode policy) {
    JsonNode a = template.path("metadata").path("annotations");
    String ppName = a.path(Names.PP_NAME_ANNOTATION).asText("");
    String cppName = a.path(Names.CPP_NAME_ANNOTATION).asText("");
    String claimant;
    if (!ppName.isEmpty()) {
      claimant =
          "PropagationPolicy " + a.path(Names.PP_NAMESPACE_ANNOTATION).asText("") + "/" + ppName;
    } else if (!cppName.isEmpty()) {
      claimant = "ClusterPropagationPolicy " + cppName;
    } else {
      return Optional.empty();
    }
    return claimant.equals(describe(policy)) ? Optional.empty() : Optional.of(claimant);
  }

  /** An entry for a template the policy selects but does not get. */
  static ObjectNode claimedElsewhere(ObjectNode template, PolicyChoice choice) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ObjectNode resource = out.putObject("resource");
    resource.put("apiVersion", template.path("apiVersion").asText());
    resource.put("kind", template.path("kind").asText());
    if (Meta.namespace(template) != null) {
      resource.put("namespace", Meta.namespace(template));
    }
    resource.put("name", Meta.name(template));
    if (choice.policy() != null) {
      out.put("claimedBy", describe(choice.policy()));
    }
    if (choice.reason() != null && !choice.reason().isEmpty()) {
      out.put("reason", choice.reason());
    }
    return out;
  }

  /** Names the placement gives that no Cluster has, in the order they appear. */
  static List<String> unknownClusters(JsonNode policy, List<JsonNode> clusters) {
    Set<String> known = new HashSet<>();
    clusters.forEach(c -> known.add(c.path("metadata").path("name").asText()));
    Set<String> named = new LinkedHashSet<>();
    JsonNode placement = policy.path("spec").path("placement");
    affinityNames(placement.path("clusterAffinity"), named);
    placement.path("clusterAffinities").forEach(a -> affinityNames(a, named));
    placement
        .path("replicaScheduling")
        .path("weightPreference")
        .path("staticWeightList")
        .forEach(w -> affinityNames(w.path("targetCluster"), named));
    List<String> out = new ArrayList<>();
    for (String n : named) {
      if (!known.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  private static void affinityNames(JsonNode affinity, Set<String> into) {
    affinity.path("clusterNames").forEach(n -> into.add(n.asText()));
    affinity.path("exclude").forEach(n -> into.add(n.asText()));
  }

  private static String describe(JsonNode policy) {
    String ns = policy.path("metadata").path("namespace").asText("");
    return policy.path("kind").asText()
        + " "
        + (ns.isEmpty() ? "" : ns + "/")
        + policy.path("metadata").path("name").asText();
  }
}
