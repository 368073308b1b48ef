package dev.flotilla.why;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.matching.PolicyChoice;
import dev.flotilla.policies.matching.PolicyMatcher;
import dev.flotilla.policies.names.Names;
import dev.flotilla.policies.placement.ClusterVerdict;
import dev.flotilla.policies.placement.Scheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code flotilla why} in words: one template's whole path (policy, schedule per cluster, Work,
 * member apply result and health, recent events) from a {@link TemplateTrace}. Pure: it reads
 * nothing but the trace.
 */
public final class WhyReport {
  /** How many of the newest events are shown. */
  private static final int EVENTS = 15;

  private WhyReport() {}

  /** The report, one line per fact. */
  public static String render(TemplateTrace t) {
    StringBuilder out = new StringBuilder();
    String id =
        t.kind().kind() + " " + (t.namespace() == null ? "" : t.namespace() + "/") + t.name();
    if (t.template() == null) {
      out.append(id).append(": not found on the hub.\n");
      notes(out, t);
      return out.toString();
    }
    out.append(id).append(" (").append(t.kind().apiVersion()).append(")\n");
    policy(out, t);
    if (t.binding() == null) {
      out.append("\nBinding: none, so nothing is scheduled and no Work is written.\n");
    } else {
      binding(out, t);
      clusters(out, t);
    }
    events(out, t);
    notes(out, t);
    return out.toString();
  }

  private static void policy(StringBuilder out, TemplateTrace t) {
    out.append("\nPolicy:\n");
    PolicyChoice choice =
        PolicyMatcher.choose(t.template(), t.propagationPolicies(), t.clusterPolicies());
    JsonNode winner = choice.policy();
    switch (choice.outcome()) {
      case IGNORED -> out.append("  none: ").append(choice.reason()).append(".\n");
      case NO_MATCH -> {
        out.append("  none claims it: no policy's resourceSelectors select it (")
            .append(t.propagationPolicies().size())
            .append(" PropagationPolicies in its namespace, ")
            .append(t.clusterPolicies().size())
            .append(" ClusterPropagationPolicies checked).\n");
        out.append("  Add a PropagationPolicy whose resourceSelectors name ")
            .append(t.kind().apiVersion())
            .append(" ")
            .append(t.kind().kind())
            .append(" ")
            .append(t.name())
            .append(", or preview one with `flotilla preview -f policy.yaml`.\n");
      }
      default -> {
        if (winner == null) { // the claimant is gone or going, and no policy takes its place
          out.append("  none: ").append(choice.reason()).append(".\n");
          break;
        }
        String verb =
            choice.outcome() == PolicyChoice.Outcome.CLAIMED
                ? "claimed by "
                : "matches (claim pending) ";
        out.append("  ")
            .append(verb)
            .append(describePolicy(winner))
            .append(" (priority ")
            .append(PolicyMatcher.explicitPriority(winner))
            .append(")\n");
        if (choice.outcome() != PolicyChoice.Outcome.CLAIMED
            && choice.outcome() != PolicyChoice.Outcome.MATCHED) {
          out.append("  ").append(choice.reason()).append("\n");
        }
      }
    }
    for (JsonNode other : losers(t, winner)) {
      out.append("  also selects it, lost: ")
          .append(describePolicy(other))
          .append(" (priority ")
          .append(PolicyMatcher.explicitPriority(other))
          .append("): ")
          .append(whyLost(winner, other, choice))
          .append("\n");
    }
  }

  /** Policies that would select the template on their own but do not govern it. */
  private static List<JsonNode> losers(TemplateTrace t, JsonNode winner) {
    ObjectNode unclaimed = ((ObjectNode) t.template()).deepCopy();
    ObjectNode meta = unclaimed.with("metadata");
    meta.remove("annotations"); // the claim marks: match as if unclaimed
    if (meta.path("labels").isObject()) {
      ((ObjectNode) meta.get("labels"))
          .remove(List.of(Names.PP_PERMANENT_ID_LABEL, Names.CPP_PERMANENT_ID_LABEL));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : t.propagationPolicies()) {
      if (!same(p, winner)
          && PolicyMatcher.choose(unclaimed, List.of(p), List.of()).policy() != null) {
        out.add(p);
      }
    }
    for (JsonNode p : t.clusterPolicies()) {
      if (!same(p, winner)
          && PolicyMatcher.choose(unclaimed, List.of(), List.of(p)).policy() != null) {
        out.add(p);
      }
    }
    return out;
  }

  private static String whyLost(JsonNode winner, JsonNode loser, PolicyChoice choice) {
    if (winner == null) {
      return "no policy governs the template";
    }
    if (choice.outcome() == PolicyChoice.Outcome.CLAIMED) {
      return "the template is already claimed, and a claim stands unless a policy with"
          + " preemption: Always and a higher priority takes it";
    }
    if ("PropagationPolicy".equals(Trees.text(winner, "kind"))
        && "ClusterPropagationPolicy".equals(Trees.text(loser, "kind"))) {
      return "a PropagationPolicy takes precedence over a ClusterPropagationPolicy";
    }
    long w = PolicyMatcher.explicitPriority(winner);
    long l = PolicyMatcher.explicitPriority(loser);
    if (w != l) {
      return "lower priority (" + l + " < " + w + ")";
    }
    return "same priority; Karmada prefers a selector by name over one by labels over match-all,"
        + " then the alphabetically smaller name";
  }

  private static void binding(StringBuilder out, TemplateTrace t) {
    JsonNode b = t.binding();
    out.append("\nBinding: ")
        .append(Trees.text(b, "kind"))
        .append(" ")
        .append(t.namespace() == null ? "" : t.namespace() + "/")
        .append(Trees.text(b, "metadata", "name"))
        .append("\n");
    for (JsonNode c : b.path("status").path("conditions")) {
      out.append(
          String.format(
              "  %-13s %-6s %-22s %s%n",
              c.path("type").asText(),
              c.path("status").asText(),
              c.path("reason").asText(),
              c.path("message").asText()));
    }
    if (b.path("status").path("conditions").isEmpty()) {
      out.append("  not scheduled yet (no conditions)\n");
    }
  }

  private static void clusters(StringBuilder out, TemplateTrace t) {
    JsonNode spec = t.binding().path("spec");
    Map<String, Integer> selected = new HashMap<>();
    spec.path("clusters")
        .forEach(c -> selected.put(c.path("name").asText(), c.path("replicas").asInt(0)));
    Map<String, String> evicted = new HashMap<>();
    spec.path("gracefulEvictionTasks")
        .forEach(
            e ->
                evicted.put(
                    e.path("fromCluster").asText(),
                    e.path("reason").asText()
                        + " by "
                        + e.path("producer").asText("?")
                        + "; the old copy stays until the new clusters are healthy"));
    Map<String, ClusterVerdict> verdicts = new HashMap<>();
    if (!t.clusters().isEmpty() && spec.has("placement")) {
      for (ClusterVerdict v :
          Scheduler.withDefaultPlugins()
              .schedule(null, spec, t.binding().path("status"), t.clusters())
              .verdicts()) {
        verdicts.put(v.cluster(), v);
      }
    }
    List<String> names = new ArrayList<>(TemplateTrace.clustersOf(t.binding()));
    t.clusters()
        .forEach(
            c -> {
              String n = Trees.text(c, "metadata", "name");
              if (!names.contains(n)) {
                names.add(n);
              }
            });
    out.append("\nClusters:\n");
    out.append(String.format(ROW, "CLUSTER", "SCHEDULE", "APPLIED", "HEALTH", "WORK"));
    for (String name : names) {
      String schedule;
      String detail = null;
      if (selected.containsKey(name)) {
        int r = selected.get(name);
        schedule = "selected" + (r > 0 ? " (" + r + " replica" + (r == 1 ? ")" : "s)") : "");
      } else if (evicted.containsKey(name)) {
        schedule = "evicted";
        detail = evicted.get(name);
      } else if (verdicts.containsKey(name) && !verdicts.get(name).chosen()) {
        ClusterVerdict v = verdicts.get(name);
        schedule = v.plugin().isEmpty() ? "not selected" : "filtered by " + v.plugin();
        detail = v.reason();
      } else {
        schedule = "not selected";
      }
      JsonNode work = t.works().get(name);
      String applied = "-";
      String health = "-";
      String workName = "-";
      if (work != null) {
        workName =
            Trees.text(work, "metadata", "namespace") + "/" + Trees.text(work, "metadata", "name");
        JsonNode c = condition(work, "Applied");
        applied = c == null ? "Pending" : c.path("status").asText();
        health =
            work.path("status").path("manifestStatuses").path(0).path("health").asText("Unknown");
        if (c != null && !"True".equals(c.path("status").asText())) {
          detail = "apply failed: " + c.path("message").asText();
        }
      } else if (t.works().containsKey(name)) {
        workName = "(missing)";
      }
      out.append(String.format(ROW, name, schedule, applied, health, workName));
      if (detail != null) {
        out.append("  ").append(" ".repeat(13)).append("why: ").append(detail).append("\n");
      }
    }
  }

  private static final String ROW = "  %-12s %-28s %-8s %-9s %s%n";

  private static void events(StringBuilder out, TemplateTrace t) {
    out.append("\nEvents (template and binding, newest last):\n");
    List<JsonNode> events = t.events();
    if (events.isEmpty()) {
      out.append("  none\n");
      return;
    }
    for (JsonNode e : events.subList(Math.max(0, events.size() - EVENTS), events.size())) {
      int count = e.path("count").asInt(1);
      out.append(
          String.format(
              "  %-20s %-7s %-24s %-16s %s%s%n",
              e.path("lastTimestamp").asText(""),
              e.path("type").asText(),
              e.path("reason").asText(),
              e.path("involvedObject").path("kind").asText(),
              e.path("message").asText(),
              count > 1 ? " (x" + count + ")" : ""));
    }
  }

  private static void notes(StringBuilder out, TemplateTrace t) {
    if (!t.notes().isEmpty()) {
      out.append("\nCould not read (RBAC or errors; the rest is what your credentials show):\n");
      t.notes().forEach(n -> out.append("  ").append(n).append("\n"));
    }
  }

  private static JsonNode condition(JsonNode obj, String type) {
    for (JsonNode c : obj.path("status").path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  private static String describePolicy(JsonNode p) {
    String ns = Trees.text(p, "metadata", "namespace");
    return Trees.text(p, "kind")
        + " "
        + (ns == null ? "" : ns + "/")
        + Trees.text(p, "metadata", "name");
  }

  private static boolean same(JsonNode a, JsonNode b) {
    return b != null
        && String.valueOf(Trees.text(a, "metadata", "uid"))
            .equals(String.valueOf(Trees.text(b, "metadata", "uid")));
  }
}
