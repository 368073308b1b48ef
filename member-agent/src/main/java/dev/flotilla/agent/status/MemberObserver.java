package dev.flotilla.agent.status;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads what the Cluster status reports from the member: health, version, discovery, nodes. */
final class MemberObserver {
  private static final Logger LOG = LoggerFactory.getLogger(MemberObserver.class);

  private final KubernetesClient member;

  MemberObserver(KubernetesClient member) {
    this.member = member;
  }

  MemberObservation observe() {
    String version;
    try {
      version = member.getKubernetesVersion().getGitVersion();
    } catch (RuntimeException e) {
      LOG.debug("member unreachable", e);
      return MemberObservation.unreachable();
    }
    boolean healthy = healthy();
    Map<String, Map<String, String>> enablements = new LinkedHashMap<>();
    boolean complete = discover(enablements);
    List<Node> nodes = null;
    List<Pod> pods = null;
    try {
      nodes = member.nodes().list().getItems();
      pods = member.pods().inAnyNamespace().list().getItems();
    } catch (RuntimeException e) {
      LOG.debug("cannot list member nodes or pods", e);
    }
    return new MemberObservation(true, healthy, version, enablements, complete, nodes, pods);
  }

  /**
   * As Karmada: /readyz says ok; /healthz only where /readyz is not served (a 404, servers before
   * Kubernetes 1.16). A failing /readyz is not overruled by a /healthz that passes.
   */
  private boolean healthy() {
    try {
      String body = member.raw("/readyz");
      if (body == null) {
        body = member.raw("/healthz");
      }
      return body != null && body.trim().equals("ok");
    } catch (RuntimeException e) {
      LOG.debug("member health check failed", e);
      return false;
    }
  }

  /** Fills group-version to resource to kind; false when some group-version failed. */
  private boolean discover(Map<String, Map<String, String>> out) {
    Optional<Map<String, Map<String, String>>> aggregated = AggregatedDiscovery.read(member);
    if (aggregated.isPresent()) {
      out.putAll(aggregated.get());
      return true;
    }
    return discoverByGroupVersion(member, out);
  }

  /** Discovery the long way: one request per group-version (servers before Kubernetes 1.27). */
  static boolean discoverByGroupVersion(
      KubernetesClient member, Map<String, Map<String, String>> out) {
    boolean complete = true;
    complete &= addResources(member, out, "v1");
    List<APIGroup> groups;
    try {
      groups = member.getApiGroups().getGroups();
    } catch (RuntimeException e) {
      return false;
    }
    for (APIGroup group : groups) {
      for (GroupVersionForDiscovery v : group.getVersions()) {
        complete &= addResources(member, out, v.getGroupVersion());
      }
    }
    return complete;
  }

  private static boolean addResources(
      KubernetesClient member, Map<String, Map<String, String>> out, String groupVersion) {
    try {
      APIResourceList list = member.getApiResources(groupVersion);
      if (list == null) {
        return false;
      }
      Map<String, String> resources = new LinkedHashMap<>();
      for (APIResource r : list.getResources()) {
        if (!r.getName().contains("/")) {
          resources.put(r.getName(), r.getKind());
        }
      }
      out.put(groupVersion, resources);
      return true;
    } catch (RuntimeException e) {
      LOG.debug("discovery of " + groupVersion + " failed", e);
      return false;
    }
  }
}
