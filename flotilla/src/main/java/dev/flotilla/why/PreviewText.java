package dev.flotilla.why;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** {@code flotilla preview} in words: a dry-run policy's {@code status.placementPreview}. */
public final class PreviewText {
  private PreviewText() {}

  /** The preview of one policy, a few lines per template. */
  public static String render(JsonNode policy) {
    JsonNode p = policy.path("status").path("placementPreview");
    StringBuilder out = new StringBuilder();
    String ns = policy.path("metadata").path("namespace").asText("");
    out.append(policy.path("kind").asText())
        .append(" ")
        .append(ns.isEmpty() ? "" : ns + "/")
        .append(policy.path("metadata").path("name").asText())
        .append(": ")
        .append(p.path("templates").size())
        .append(" template(s) would be claimed; ")
        .append(p.path("clusters").asInt())
        .append(" cluster(s) on the hub\n");
    for (JsonNode t : p.path("templates")) {
      List<String> chosen = new ArrayList<>();
      for (JsonNode c : t.path("clusters")) {
        chosen.add(
            c.path("name").asText()
                + (c.path("replicas").asInt(0) > 0 ? " (" + c.path("replicas").asInt() + ")" : ""));
      }
      chosen.sort(null);
      out.append("  ")
          .append(resource(t.path("resource")))
          .append(" -> ")
          .append(
              t.path("scheduled").asBoolean()
                  ? (chosen.isEmpty() ? "no cluster" : String.join(", ", chosen))
                  : "unschedulable: " + t.path("message").asText())
          .append("\n");
      if (t.has("claimedBy")) {
        out.append("      taken from ")
            .append(t.path("claimedBy").asText())
            .append(", which claims it today\n");
      }
      for (JsonNode f : t.path("filtered")) {
        out.append("      ")
            .append(f.path("cluster").asText())
            .append(": ")
            .append(
                f.has("plugin")
                    ? "filtered by " + f.path("plugin").asText() + ": "
                    : "not chosen: ")
            .append(f.path("reason").asText())
            .append("\n");
      }
    }
    for (JsonNode e : p.path("claimedElsewhere")) {
      out.append("  selects ")
          .append(resource(e.path("resource")))
          .append(" but does not get it: ")
          .append(e.has("claimedBy") ? e.path("claimedBy").asText() + " governs it" : "")
          .append(e.has("reason") ? " (" + e.path("reason").asText() + ")" : "")
          .append("\n");
    }
    if (p.has("unknownClusters")) {
      List<String> names = new ArrayList<>();
      p.path("unknownClusters").forEach(n -> names.add(n.asText()));
      out.append("  WARNING: no Cluster is named ").append(String.join(", ", names)).append("\n");
    }
    return out.toString();
  }

  private static String resource(JsonNode r) {
    String ns = r.path("namespace").asText("");
    return r.path("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + r.path("name").asText();
  }
}
