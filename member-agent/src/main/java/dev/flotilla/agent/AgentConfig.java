package dev.flotilla.agent;

import dev.flotilla.policies.names.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one member agent needs: how to reach the hub and the member, how the member describes
 * itself on the hub, and how often it reports.
 *
 * @param hub the hub (Karmada control plane) API server
 * @param member the member cluster's API server
 * @param clusterName the Cluster object's name on the hub; also names the lease and the execution
 *     namespace {@code karmada-es-<clusterName>}
 * @param provider {@code spec.provider}, null to leave unset
 * @param region {@code spec.region}, null to leave unset
 * @param zones {@code spec.zones}, empty to leave unset
 * @param labels labels merged into the Cluster's labels
 * @param apiEndpoint {@code spec.apiEndpoint}; null means the member client's master URL
 * @param leaseDuration the lease's {@code leaseDurationSeconds}
 * @param renewInterval how often the lease is renewed
 * @param statusInterval how often Cluster status is collected and written
 * @param workers how many Works are reconciled in parallel (one at a time per Work)
 * @param resyncPeriod how often every Work is reconciled again even without events
 * @param successThreshold how long the member must be seen healthy before a not-Ready Cluster is
 *     reported Ready again (Karmada's {@code --cluster-success-threshold})
 * @param failureThreshold how long the member must be seen unhealthy or unreachable before a Ready
 *     Cluster is reported not Ready (Karmada's {@code --cluster-failure-threshold})
 */
public record AgentConfig(
    ClientSource hub,
    ClientSource member,
    String clusterName,
    String provider,
    String region,
    List<String> zones,
    Map<String, String> labels,
    String apiEndpoint,
    Duration leaseDuration,
    Duration renewInterval,
    Duration statusInterval,
    int workers,
    Duration resyncPeriod,
    Duration successThreshold,
    Duration failureThreshold) {

  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(40);
  public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(10);
  public static final int DEFAULT_WORKERS = 4;
  public static final Duration DEFAULT_RESYNC_PERIOD = Duration.ofMinutes(5);
  public static final Duration DEFAULT_SUCCESS_THRESHOLD = Duration.ofSeconds(30);
  public static final Duration DEFAULT_FAILURE_THRESHOLD = Duration.ofSeconds(30);

  public AgentConfig {
    Objects.requireNonNull(hub, "hub");
    Objects.requireNonNull(member, "member");
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName is required");
    }
    zones = zones == null ? List.of() : List.copyOf(zones);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    leaseDuration = leaseDuration == null ? DEFAULT_LEASE_DURATION : leaseDuration;
    renewInterval = renewInterval == null ? DEFAULT_RENEW_INTERVAL : renewInterval;
    statusInterval = statusInterval == null ? DEFAULT_STATUS_INTERVAL : statusInterval;
    workers = workers <= 0 ? DEFAULT_WORKERS : workers;
    resyncPeriod = resyncPeriod == null ? DEFAULT_RESYNC_PERIOD : resyncPeriod;
    successThreshold = successThreshold == null ? DEFAULT_SUCCESS_THRESHOLD : successThreshold;
    failureThreshold = failureThreshold == null ? DEFAULT_FAILURE_THRESHOLD : failureThreshold;
  }

  /** Starts a builder with the defaults; hub, member and clusterName must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The hub namespace holding this cluster's Works, as Karmada names it. */
  public String executionNamespace() {
    return Names.executionNamespace(clusterName);
  }

  /** Fluent construction of an {@link AgentConfig}. */
  public static final class Builder {
    private ClientSource hub;
    private ClientSource member;
    private String clusterName;
    private String provider;
    private String region;
    private List<String> zones = List.of();
    private Map<String, String> labels = Map.of();
    private String apiEndpoint;
    private Duration leaseDuration;
    private Duration renewInterval;
    private Duration statusInterval;
    private int workers;
    private Duration resyncPeriod;
    private Duration successThreshold;
    private Duration failureThreshold;

    private Builder() {}

    public Builder hub(ClientSource hub) {
      this.hub = hub;
      return this;
    }

    public Builder member(ClientSource member) {
      this.member = member;
      return this;
    }

    public Builder clusterName(String clusterName) {
      this.clusterName = clusterName;
      return this;
    }

    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    public Builder region(String region) {
      this.region = region;
      return this;
    }

    public Builder zones(List<String> zones) {
      this.zones = zones;
      return this;
    }

    public Builder labels(Map<String, String> labels) {
      this.labels = labels;
      return this;
    }

    public Builder apiEndpoint(String apiEndpoint) {
      this.apiEndpoint = apiEndpoint;
      return this;
    }

    public Builder leaseDuration(Duration leaseDuration) {
      this.leaseDuration = leaseDuration;
      return this;
    }

    public Builder renewInterval(Duration renewInterval) {
      this.renewInterval = renewInterval;
      return this;
    }

    public Builder statusInterval(Duration statusInterval) {
      this.statusInterval = statusInterval;
      return this;
    }

    public Builder workers(int workers) {
      this.workers = workers;
      return this;
    }

    public Builder resyncPeriod(Duration resyncPeriod) {
      this.resyncPeriod = resyncPeriod;
      return this;
    }

    public Builder successThreshold(Duration successThreshold) {
      this.successThreshold = successThreshold;
      return this;
    }

    public Builder failureThreshold(Duration failureThreshold) {
      this.failureThreshold = failureThreshold;
      return this;
    }

    public AgentConfig build() {
      return new AgentConfig(
          hub,
          member,
          clusterName,
          provider,
          region,
          zones,
          labels,
          apiEndpoint,
          leaseDuration,
          renewInterval,
          statusInterval,
          workers,
          resyncPeriod,
          successThreshold,
          failureThreshold);
    }
  }
}
