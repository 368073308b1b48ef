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

  /**
   * Whether {@code cluster} serves {@code apiVersion}/{@code kind}. Every binding asks this of
   * every cluster, whose list holds dozens of group-versions: it is read once per list ({@link
   * EnabledApis}).
   */
  public static Status status(JsonNode cluster, String apiVersion, String kind) {
    JsonNode status = cluster == null ? null : cluster.get("status");
    if (status == null) {
      return Status.UNKNOWN;
    }
    JsonNode enablements = status.get("apiEnablements");
    if (enablements != null
        && enablements.isArray()
        && EnabledApis.lists(enablements, apiVersion, kind)) {
      return Status.ENABLED;
    }
    for (JsonNode condition : Nodes.list(status, "conditions")) {
      if ("CompleteAPIEnablements".equals(Nodes.text(condition, "type"))
          && "True".equals(Nodes.text(condition, "status"))) {
        return Status.DISABLED;
      }
    }
    return Status.UNKNOWN;
  }
}
