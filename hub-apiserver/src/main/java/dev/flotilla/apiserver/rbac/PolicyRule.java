package dev.flotilla.apiserver.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One rule of a Role or ClusterRole ({@code rbac.authorization.k8s.io/v1 PolicyRule}): verbs on
 * resources of API groups (optionally only some names), or verbs on non-resource URLs.
 */
public record PolicyRule(
    List<String> verbs,
    List<String> apiGroups,
    List<String> resources,
    List<String> resourceNames,
    List<String> nonResourceURLs) {

  public PolicyRule {
    verbs = List.copyOf(verbs);
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
    nonResourceURLs = List.copyOf(nonResourceURLs);
  }

  /** A resource rule: {@code verbs} on {@code resources} in {@code apiGroups}. */
  public static PolicyRule resources(
      List<String> verbs, List<String> apiGroups, List<String> resources) {
    return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
  }

  /** A non-resource rule: {@code verbs} on the URL paths {@code urls}. */
  public static PolicyRule urls(List<String> verbs, List<String> urls) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
  }

  /** This rule restricted to {@code names}. */
  public PolicyRule names(List<String> names) {
    return new PolicyRule(verbs, apiGroups, resources, names, nonResourceURLs);
  }

  /** Reads a PolicyRule object; missing lists are empty, non-string entries are skipped. */
  public static PolicyRule fromJson(JsonNode rule) {
    return new PolicyRule(
        strings(rule.get("verbs")),
        strings(rule.get("apiGroups")),
        strings(rule.get("resources")),
        strings(rule.get("resourceNames")),
        strings(rule.get("nonResourceURLs")));
  }

  /** The rules of a Role or ClusterRole object. */
  public static List<PolicyRule> rulesOf(JsonNode role) {
    List<PolicyRule> rules = new ArrayList<>();
    for (JsonNode r : role.path("rules")) {
      if (r.isObject()) {
        rules.add(fromJson(r));
      }
    }
    return rules;
  }

  /** The rule as JSON, empty lists left out (as Go's omitempty). */
  public ObjectNode toJson() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    put(n, "verbs", verbs);
    put(n, "apiGroups", apiGroups);
    put(n, "resources", resources);
    put(n, "resourceNames", resourceNames);
    put(n, "nonResourceURLs", nonResourceURLs);
    return n;
  }

  /**
   * Upstream's CompactString, used in escalation errors: {@code {APIGroups:["apps"],
   * Resources:["deployments"], Verbs:["get"]}}, lists as Go's %q prints them.
   */
  public String compactString() {
    List<String> parts = new ArrayList<>();
    part(parts, "APIGroups", apiGroups);
    part(parts, "Resources", resources);
    part(parts, "NonResourceURLs", nonResourceURLs);
    part(parts, "ResourceNames", resourceNames);
    part(parts, "Verbs", verbs);
    return "{" + String.join(", ", parts) + "}";
  }

  /** Go's %q of a []string: {@code ["a" "b"]}. */
  static String goQuoted(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append(']').toString();
  }

  private static void part(List<String> parts, String name, List<String> values) {
    if (!values.isEmpty()) {
      parts.add(name + ":" + goQuoted(values));
    }
  }

  private static void put(ObjectNode n, String field, List<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = n.putArray(field);
      values.forEach(a::add);
    }
  }

  private static List<String> strings(JsonNode array) {
    if (array == null || !array.isArray()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(array.size());
    for (JsonNode v : array) {
      if (v.isTextual()) {
        out.add(v.asText());
      }
    }
    return out;
  }
}
