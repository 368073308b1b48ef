package dev.flotilla.agent.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.AgentConfig;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.HubResources;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.agent.kube.JsonSubset;
import dev.flotilla.agent.kube.PatchByName;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates this member's {@code Cluster} on the hub (syncMode Pull, endpoint, id,
 * provider, region, zones, labels), touching only the fields the agent owns, and makes sure the hub
 * namespaces the agent uses exist where it is allowed to create them.
 */
public final class ClusterRegistration {
  public static final String NAME = "cluster-registration";
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRegistration.class);

  private final KubernetesClient hub;
  private final KubernetesClient member;
  private final AgentConfig config;
  private final String apiEndpoint;

  public ClusterRegistration(
      KubernetesClient hub, KubernetesClient member, AgentConfig config, String apiEndpoint) {
    this.hub = hub;
    this.member = member;
    this.config = config;
    this.apiEndpoint = apiEndpoint;
  }

  /** Registers once; throws when the hub or member cannot be reached (the caller retries). */
  public void register() {
    ClusterSpecs.Registration facts =
        new ClusterSpecs.Registration(
            config.provider(),
            config.region(),
            config.zones(),
            config.labels(),
            apiEndpoint,
            memberId());
    ensureNamespace(HubResources.LEASE_NAMESPACE);
    ensureNamespace(config.executionNamespace());
    var clusters = hub.genericKubernetesResources(HubResources.CLUSTERS);
    // Create first: a joining member (the common case, 1,000 at once at scale) needs no read. Only
    // a Cluster that is there already is read, to patch it only when it lacks something.
    try {
      clusters
          .resource(Json.generic(ClusterSpecs.newCluster(config.clusterName(), facts)))
          .create();
      LOG.info(NAME + ": created Cluster " + config.clusterName());
      return;
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e)) {
        throw e;
      }
    }
    GenericKubernetesResource existing = clusters.withName(config.clusterName()).require();
    ObjectNode patch = ClusterSpecs.patch(facts);
    if (JsonSubset.contains(Json.tree(existing), patch)) {
      return;
    }
    PatchByName.merge(
        hub, HubResources.CLUSTERS, null, config.clusterName(), null, patch.toString());
    LOG.info(NAME + ": updated Cluster " + config.clusterName());
  }

  /** Karmada's cluster id: the uid of the member's kube-system namespace. */
  private String memberId() {
    Namespace kubeSystem = member.namespaces().withName("kube-system").get();
    return kubeSystem == null ? null : kubeSystem.getMetadata().getUid();
  }

  /**
   * Creates a hub namespace if absent; an agent without the right to do so relies on the hub. Read
   * first: an agent may get these namespaces but not create them, and a refused create is a denial.
   */
  private void ensureNamespace(String name) {
    try {
      if (hub.namespaces().withName(name).get() != null) {
        return;
      }
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
          .create();
    } catch (RuntimeException e) {
      if (!ApiErrors.isAlreadyExists(e) && !ApiErrors.isForbidden(e)) {
        throw e;
      }
    }
  }
}
