package dev.flotilla.agent.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.Times;
import dev.flotilla.policies.conditions.Conditions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;

/**
 * Writes the member's state into its Cluster's status subresource on the hub: version, API
 * enablements, Ready and CompleteAPIEnablements conditions, node and resource summaries.
 */
public final class ClusterStatusController {
  public static final String NAME = "cluster-status";

  private final KubernetesClient hub;
  private final MemberObserver observer;
  private final String clusterName;
  private final Clock clock;
  private final Runnable onClusterMissing;
  private final ReadyThreshold readyThreshold;

  /**
   * @param readyThreshold how long a Ready flip must hold before it is reported
   * @param onClusterMissing called when the Cluster is absent on the hub (re-registration)
   */
  public ClusterStatusController(
      KubernetesClient hub,
      KubernetesClient member,
      String clusterName,
      Clock clock,
      ReadyThreshold readyThreshold,
      Runnable onClusterMissing) {
    this.hub = hub;
    this.observer = new MemberObserver(member);
    this.clusterName = clusterName;
    this.clock = clock;
    this.onClusterMissing = onClusterMissing;
    this.readyThreshold = readyThreshold;
  }

  /** Observes the member and writes the status if it changed; throws if the hub fails. */
  public void sync() {
    MemberObservation seen = observer.observe();
    var cluster = hub.genericKubernetesResources(HubResources.CLUSTERS).withName(clusterName);
    GenericKubernetesResource current = cluster.get();
    if (current == null) {
      onClusterMissing.run();
      return;
    }
    ObjectNode tree = Json.tree(current);
    JsonNode ready =
        Conditions.find(tree.path("status").get("conditions"), ClusterStatusBuilder.READY);
    String observed = ClusterStatusBuilder.observedReady(seen);
    String reported =
        readyThreshold.adjust(ready == null ? null : ready.path("status").asText(), observed);
    ObjectNode status =
        ClusterStatusBuilder.build(
            tree.get("status"), seen, Times.now(clock), !reported.equals(observed));
    if (Json.same(status, tree.get("status"))) {
      return;
    }
    tree.set("status", status);
    try {
      hub.genericKubernetesResources(HubResources.CLUSTERS)
          .resource(Json.generic(tree))
          .status()
          .update();
    } catch (RuntimeException e) {
      if (ApiErrors.isNotFound(e)) {
        onClusterMissing.run();
        return;
      }
      throw e;
    }
  }
}
