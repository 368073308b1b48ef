package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.placement.Bindings;
import dev.flotilla.policies.placement.FilterPlugin;
import dev.flotilla.policies.placement.Result;

/**
 * Keeps clusters known to serve the template's API. As in Karmada, a cluster passes only if its
 * {@code status.apiEnablements} lists the group-version and kind; an unlisted API counts as
 * disabled when the {@code CompleteAPIEnablements} condition is True and as unknown otherwise, and
 * both are filtered. A cluster the binding already runs on is never removed by this plugin.
 */
public final class ApiEnablement implements FilterPlugin {

  public static final String NAME = "APIEnablement";

  /** What a cluster's apiEnablements say about one API. */
  public enum Status {
    ENABLED,
    DISABLED,
    UNKNOWN
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Result filter(JsonNode placement, JsonNode bindingSpec, JsonNode cluster) {
    if (Bindings.targetContains(bindingSpec, Nodes.name(cluster))) {
      return Result.success();
    }
    String apiVersion = Nodes.text(bindingSpec, "resource", "apiVersion");
    String kind = Nodes.text(bindingSpec, "resource", "kind");
    if (status(cluster, apiVersion, kind) == Status.ENABLED) {
      return Result.success();
    }
    return Result.unschedulable("cluster(s) did not have the API resource");
  }

  /** Whether {@code cluster} serves {@code apiVersion}/{@code kind}. */
  public static Status status(JsonNode cluster, String apiVersion, String kind) {
    for (JsonNode enablement : Nodes.list(cluster, "status", "apiEnablements")) {
      if (!apiVersion.equals(Nodes.text(enablement, "groupVersion"))) {
        continue;
      }
      for (JsonNode resource : Nodes.list(enablement, "resources")) {
        if (kind.equals(Nodes.text(resource, "kind"))) {
          return Status.ENABLED;
        }
      }
    }
    for (JsonNode condition : Nodes.list(cluster, "status", "conditions")) {
      if ("CompleteAPIEnablements".equals(Nodes.text(condition, "type"))
          && "True".equals(Nodes.text(condition, "status"))) {
        return Status.DISABLED;
      }
    }
    return Status.UNKNOWN;
  }
}
