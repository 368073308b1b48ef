package dev.flotilla.policies.placement;

/**
 * What the scheduler made of one cluster, for the placement preview.
 *
 * @param plugin the filter plugin that removed the cluster, or "" if none did
 * @param reason why the cluster was not chosen, or "" if it was
 */
public record ClusterVerdict(
    String cluster, boolean chosen, int replicas, String plugin, String reason) {

  static ClusterVerdict chosen(String cluster, int replicas) {
    return new ClusterVerdict(cluster, true, replicas, "", "");
  }

  static ClusterVerdict rejected(String cluster, String plugin, String reason) {
    return new ClusterVerdict(cluster, false, 0, plugin, reason);
  }
}
