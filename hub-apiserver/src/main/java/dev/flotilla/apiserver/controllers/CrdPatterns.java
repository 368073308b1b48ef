package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.PatternSyntaxException;
import dev.flotilla.apiserver.objects.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Refuses CRD schemas whose {@code pattern} RE2 cannot compile (lookarounds, backreferences,
 * possessive quantifiers...), as upstream's CRD validation does with Go's regexp: such a pattern
 * could never be checked, so accepting it would silently accept every value.
 */
final class CrdPatterns {
  private static final List<String> SCHEMA_LISTS = List.of("allOf", "anyOf", "oneOf");

  private CrdPatterns() {}

  /**
   * Adds a cause for each pattern in the CRD's version schemas that RE2 cannot compile. On update
   * ({@code oldSpec} not null) a pattern the stored CRD already had is let be, so a CRD stored
   * before this check can still be edited and deleted.
   */
  static void check(JsonNode spec, JsonNode oldSpec, List<ApiException.Cause> causes) {
    List<ApiException.Cause> found = new ArrayList<>();
    collect(spec, found);
    if (oldSpec != null && !found.isEmpty()) {
      List<ApiException.Cause> before = new ArrayList<>();
      collect(oldSpec, before);
      found.removeAll(before);
    }
    causes.addAll(found);
  }

  private static void collect(JsonNode spec, List<ApiException.Cause> causes) {
    JsonNode versions = spec.path("versions");
    for (int i = 0; i < versions.size(); i++) {
      JsonNode schema = versions.get(i).path("schema").path("openAPIV3Schema");
      walk(schema, "spec.versions[" + i + "].schema.openAPIV3Schema", causes, 0);
    }
  }

  private static void walk(
      JsonNode schema, String path, List<ApiException.Cause> causes, int depth) {
    // The parser's depth limit already bounds this; the guard keeps a hostile schema from
    // recursing further than the stack allows.
    if (!schema.isObject() || depth > 200) {
      return;
    }
    JsonNode pattern = schema.get("pattern");
    if (pattern != null && pattern.isTextual()) {
      try {
        com.google.re2j.Pattern.compile(pattern.asText());
      } catch (PatternSyntaxException e) {
        causes.add(
            new ApiException.Cause(
                "FieldValueInvalid",
                path + ".pattern",
                "Invalid value: \""
                    + pattern.asText()
                    + "\": must be a valid regular expression, but isn't: "
                    + e.getMessage()));
      }
    }
    for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
      walk(p.getValue(), path + ".properties[" + p.getKey() + "]", causes, depth + 1);
    }
    walk(schema.path("items"), path + ".items", causes, depth + 1);
    walk(schema.path("additionalProperties"), path + ".additionalProperties", causes, depth + 1);
    walk(schema.path("not"), path + ".not", causes, depth + 1);
    for (String list : SCHEMA_LISTS) {
      JsonNode items = schema.path(list);
      for (int i = 0; i < items.size(); i++) {
        walk(items.get(i), path + "." + list + "[" + i + "]", causes, depth + 1);
      }
    }
  }
}
