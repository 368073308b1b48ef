package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a consumer must see of a provider's EndpointSlice: each address with its ready condition,
 * sorted, as one comparable string ("10.1.0.4=R,10.1.0.9=N"). Hostnames, zones, targetRefs and
 * labels differ between a provider slice and its derived copy on purpose, so they are left out.
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
}
