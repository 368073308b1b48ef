package dev.flotilla.policies.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.policies.matching.Nodes;
import dev.flotilla.policies.names.Names;
import java.util.List;

/**
 * Karmada's default status handling for Deployments (reflect in the member, aggregate on the hub)
 * and health for built-in kinds. Reflected Deployment status carries the member's {@code
 * generation} and the template generation it was built from ({@code resourceTemplateGeneration}) so
 * the hub can tell a stale status from a current one.
 */
public final class StatusInterpreter {

  private static final String[] DEPLOYMENT_COUNTERS = {
    "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"
  };

  private StatusInterpreter() {}

  /** The health of a member object. */
  public static Health health(JsonNode object) {
    return HealthInterpreter.health(object);
  }

  /**
   * What a member Deployment reports into {@code work.status.manifestStatuses[].status}: its
   * replica counters, observedGeneration, generation and resourceTemplateGeneration (from the
   * annotation the binding controller sets). Null when the Deployment has no status yet. Zero
   * fields are left out, as Go's omitempty does.
   */
  public static ObjectNode reflectDeploymentStatus(JsonNode memberDeployment) {
    JsonNode status = Nodes.at(memberDeployment, "status");
    if (!status.isObject()) {
      return null;
    }
    ObjectNode out = Nodes.MAPPER.createObjectNode();
    putIfNonZero(out, "generation", Nodes.number(memberDeployment, 0, "metadata", "generation"));
    putIfNonZero(
        out,
        "resourceTemplateGeneration",
        parseLong(
            Nodes.annotations(memberDeployment)
                .getOrDefault(Names.RESOURCE_TEMPLATE_GENERATION_ANNOTATION, "")));
    for (String counter : DEPLOYMENT_COUNTERS) {
      putIfNonZero(out, counter, Nodes.number(status, 0, counter));
    }
    putIfNonZero(out, "observedGeneration", Nodes.number(status, 0, "observedGeneration"));
    return out.isEmpty() ? null : out;
  }

  /**
   * Sums the replica counters of member statuses (no observedGeneration; see the two-argument
   * form).
   */
  public static ObjectNode aggregateDeploymentStatus(List<JsonNode> memberStatuses) {
    ObjectNode out = Nodes.MAPPER.createObjectNode();
    for (String counter : DEPLOYMENT_COUNTERS) {
      putIfNonZero(out, counter, sum(memberStatuses, counter));
    }
    return out;
  }

  /**
   * The template's new {@code status}: its old status with the replica counters replaced by the
   * members' sums, and {@code observedGeneration} set to the template's generation only once every
   * member reports a status built from that generation and observed by the member (so GitOps tools
   * wait for the rollout everywhere).
   *
   * @param memberStatuses reflected statuses, or aggregatedStatus items ({@code {clusterName,
   *     status}}); a null or missing status counts as a member that has not reported
   */
  public static ObjectNode aggregateDeploymentStatus(
      JsonNode template, List<JsonNode> memberStatuses) {
    long templateGeneration = Nodes.number(template, 0, "metadata", "generation");
    JsonNode oldStatus = Nodes.at(template, "status");
    ObjectNode out =
        oldStatus.isObject()
            ? ((ObjectNode) oldStatus).deepCopy()
            : Nodes.MAPPER.createObjectNode();
    int current = 0;
    for (JsonNode item : memberStatuses) {
      JsonNode status = statusOf(item);
      if (status != null
          && Nodes.number(status, 0, "observedGeneration") >= Nodes.number(status, 0, "generation")
          && Nodes.number(status, 0, "resourceTemplateGeneration") >= templateGeneration) {
        current++;
      }
    }
    for (String counter : DEPLOYMENT_COUNTERS) {
      out.remove(counter);
      putIfNonZero(out, counter, sum(memberStatuses, counter));
    }
    if (current == memberStatuses.size()) {
      out.remove("observedGeneration");
      putIfNonZero(out, "observedGeneration", templateGeneration);
    }
    return out;
  }

  private static long sum(List<JsonNode> memberStatuses, String counter) {
    long total = 0;
    for (JsonNode item : memberStatuses) {
      JsonNode status = statusOf(item);
      if (status != null) {
        total += Nodes.number(status, 0, counter);
      }
    }
    return total;
  }

  private static JsonNode statusOf(JsonNode item) {
    if (!Nodes.present(item)) {
      return null;
    }
    JsonNode status = item.has("clusterName") ? item.path("status") : item;
    return status.isObject() ? status : null;
  }

  private static void putIfNonZero(ObjectNode node, String field, long value) {
    if (value != 0) {
      node.put(field, value);
    }
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
