package dev.flotilla.agent.heartbeat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Clock;
import java.time.Duration;

/**
 * Renews the {@code coordination.k8s.io/v1} Lease named after the cluster in hub namespace {@code
 * karmada-cluster}, as a Karmada pull-mode agent does; the hub's cluster health check reads
 * renewTime. The lease is owned by the Cluster so it goes when the Cluster goes.
 */
public final class LeaseHeartbeat {
  public static final String NAME = "cluster-lease";

  static final ResourceDefinitionContext LEASES =
      new ResourceDefinitionContext.Builder()
          .withGroup("coordination.k8s.io")
          .withVersion("v1")
          .withKind("Lease")
          .withPlural("leases")
          .withNamespaced(true)
          .build();

  private final KubernetesClient hub;
  private final String clusterName;
  private final Duration leaseDuration;
  private final Clock clock;

  /**
   * The lease as our last write returned it: renewed from here without reading it first, as
   * kubelet's node lease controller does; read again only when a write fails.
   */
  private volatile ObjectNode latest;

  public LeaseHeartbeat(
      KubernetesClient hub, String clusterName, Duration leaseDuration, Clock clock) {
    this.hub = hub;
    this.clusterName = clusterName;
    this.leaseDuration = leaseDuration;
    this.clock = clock;
  }

  /** Creates or renews the lease once; throws when the hub cannot be reached. */
  public void renew() {
    var leases = hub.genericKubernetesResources(LEASES).inNamespace(HubResources.LEASE_NAMESPACE);
    String now = Times.microTime(clock.instant());
    ObjectNode known = latest;
    if (known != null) {
      try {
        latest = Json.tree(leases.resource(Json.generic(renewed(known.deepCopy(), now))).update());
        return;
      } catch (RuntimeException e) {
        latest = null;
        if (!ApiErrors.isConflict(e) && !ApiErrors.isNotFound(e)) {
          throw e;
        }
        // Changed or gone behind our back: read it and renew that.
      }
    }
    GenericKubernetesResource current = leases.withName(clusterName).get();
    if (current == null) {
      ObjectNode lease = renewed(Json.object(), now);
      lease.put("apiVersion", "coordination.k8s.io/v1");
      lease.put("kind", "Lease");
      Json.metadata(lease).put("name", clusterName);
      Json.metadata(lease).put("namespace", HubResources.LEASE_NAMESPACE);
      ((ObjectNode) lease.get("spec")).put("acquireTime", now);
      try {
        latest = Json.tree(leases.resource(Json.generic(lease)).create());
        return;
      } catch (RuntimeException e) {
        if (!ApiErrors.isAlreadyExists(e)) {
          throw e;
        }
        current = leases.withName(clusterName).require();
      }
    }
    // update() sends the resourceVersion we read: a concurrent writer makes us retry next tick.
    latest = Json.tree(leases.resource(Json.generic(renewed(Json.tree(current), now))).update());
  }

  private ObjectNode renewed(ObjectNode lease, String now) {
    ObjectNode spec = Json.child(lease, "spec");
    spec.put("holderIdentity", clusterName);
    spec.put("leaseDurationSeconds", (int) leaseDuration.toSeconds());
    spec.put("renewTime", now);
    addClusterOwner(lease);
    return lease;
  }

  /** Karmada's agent makes the Cluster own its lease; done once the Cluster exists. */
  private void addClusterOwner(ObjectNode lease) {
    if (lease.path("metadata").path("ownerReferences").size() > 0) {
      return;
    }
    GenericKubernetesResource cluster;
    try {
      cluster = hub.genericKubernetesResources(HubResources.CLUSTERS).withName(clusterName).get();
    } catch (RuntimeException e) {
      return;
    }
    if (cluster == null) {
      return;
    }
    ArrayNode owners = Json.metadata(lease).putArray("ownerReferences");
    ObjectNode owner = owners.addObject();
    owner.put("apiVersion", "cluster.karmada.io/v1alpha1");
    owner.put("kind", "Cluster");
    owner.put("name", clusterName);
    owner.put("uid", cluster.getMetadata().getUid());
  }
}
