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

  /** Syncs between reads of the Cluster as a check on other writers (about a minute at 10 s). */
  static final int REREAD_EVERY = 6;

  private volatile ObjectNode known;
  private int syncsSinceRead;

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

  /**
   * Forgets the Cluster last read or written, so the next sync reads it: called when the hub may
   * have written its status (the agent's lease renewals failed or came late, so the hub may have
   * marked the Cluster Ready=Unknown).
   */
  public void forget() {
    known = null;
  }

  /**
   * Observes the member and writes the status if it changed; throws if the hub fails. The Cluster
   * is the one this agent last read or wrote (it is the status's only writer while its lease is
   * fresh), read again every {@link #REREAD_EVERY} syncs, after {@link #forget} and on a conflict.
   */
  public void sync() {
    MemberObservation seen = observer.observe();
    ObjectNode current = known;
    if (current == null || ++syncsSinceRead >= REREAD_EVERY) {
      current = read();
      if (current == null) {
        return;
      }
    }
    try {
      write(current, seen);
    } catch (RuntimeException e) {
      known = null;
      if (ApiErrors.isNotFound(e)) {
        onClusterMissing.run();
        return;
      }
      if (!ApiErrors.isConflict(e)) {
        throw e;
      }
      // Someone else wrote the Cluster since: compute the status again on what is there now.
      current = read();
      if (current != null) {
        write(current, seen);
      }
    }
  }

  private ObjectNode read() {
    syncsSinceRead = 0;
    GenericKubernetesResource current =
        hub.genericKubernetesResources(HubResources.CLUSTERS).withName(clusterName).get();
    if (current == null) {
      known = null;
      onClusterMissing.run();
      return null;
    }
    ObjectNode tree = Json.tree(current);
    known = tree;
    return tree;
  }

  /** Writes the status built on {@code cluster}'s unless it is the same; the PUT checks its rv. */
  private void write(ObjectNode cluster, MemberObservation seen) {
    JsonNode ready =
        Conditions.find(cluster.path("status").get("conditions"), ClusterStatusBuilder.READY);
    String observed = ClusterStatusBuilder.observedReady(seen);
    String reported =
        readyThreshold.adjust(ready == null ? null : ready.path("status").asText(), observed);
    ObjectNode status =
        ClusterStatusBuilder.build(
            cluster.get("status"), seen, Times.now(clock), !reported.equals(observed));
    if (Json.same(status, cluster.get("status"))) {
      return;
    }
    ObjectNode tree = cluster.deepCopy();
    tree.set("status", status);
    known =
        Json.tree(
            hub.genericKubernetesResources(HubResources.CLUSTERS)
                .resource(Json.generic(tree))
                .status()
                .update());
  }
}
