package dev.flotilla.agent.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;

/**
 * What one look at the member found, the input of {@link ClusterStatusBuilder}.
 *
 * @param reachable whether the member answered at all
 * @param healthy whether /readyz (or /healthz) said ok
 * @param gitVersion /version's gitVersion, null when unknown
 * @param apiEnablements group-version to resource name to kind, from discovery
 * @param discoveryComplete false when some group-version could not be read
 * @param nodes the member's nodes, null when they could not be listed
 * @param pods the member's pods, null when they could not be listed
 */
record MemberObservation(
    boolean reachable,
    boolean healthy,
    String gitVersion,
    Map<String, Map<String, String>> apiEnablements,
    boolean discoveryComplete,
    List<Node> nodes,
    List<Pod> pods) {

  static MemberObservation unreachable() {
    return new MemberObservation(false, false, null, Map.of(), false, null, null);
  }
}
