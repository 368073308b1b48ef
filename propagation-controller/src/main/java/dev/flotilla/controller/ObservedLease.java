package dev.flotilla.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The election's lock, watched: every read and write of the Lease passes through, so readiness can
 * tell from memory (never a request on an event loop) whether another replica holds a live lease.
 * As client-go's elector, it judges liveness by when this replica last saw the record change, not
 * by the holder's clock alone: a holder that stopped renewing is dead after one lease duration,
 * whatever renewTime it wrote.
 */
final class ObservedLease implements Lock {
  private final Lock delegate;
  private final LongSupplier nanoClock;
  private final Supplier<ZonedDateTime> wallClock;
  private LeaderElectionRecord last;
  private long changedAt;

  ObservedLease(Lock delegate, LongSupplier nanoClock, Supplier<ZonedDateTime> wallClock) {
    this.delegate = delegate;
    this.nanoClock = nanoClock;
    this.wallClock = wallClock;
  }

  @Override
  public LeaderElectionRecord get(KubernetesClient client) {
    LeaderElectionRecord record = delegate.get(client);
    observe(record);
    return record;
  }

  @Override
  public void create(KubernetesClient client, LeaderElectionRecord record) {
    delegate.create(client, record);
    observe(record);
  }

  @Override
  public void update(KubernetesClient client, LeaderElectionRecord record) {
    delegate.update(client, record);
    observe(record);
  }

  @Override
  public String identity() {
    return delegate.identity();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  synchronized void observe(LeaderElectionRecord record) {
    if (record == null) {
      return;
    }
    if (last == null
        || !Objects.equals(last.getHolderIdentity(), record.getHolderIdentity())
        || !Objects.equals(last.getRenewTime(), record.getRenewTime())
        || last.getLeaderTransitions() != record.getLeaderTransitions()) {
      changedAt = nanoClock.getAsLong();
    }
    last = record;
  }

  /**
   * The identity of another replica that holds a live lease: seen renewing within {@code window}
   * and, by its record, not expired.
   */
  synchronized Optional<String> liveOtherHolder(Duration window) {
    if (last == null) {
      return Optional.empty();
    }
    String holder = last.getHolderIdentity();
    if (holder == null || holder.isEmpty() || holder.equals(identity())) {
      return Optional.empty();
    }
    boolean seenRenewing = nanoClock.getAsLong() - changedAt < window.toNanos();
    Duration leaseDuration = last.getLeaseDuration() == null ? window : last.getLeaseDuration();
    boolean unexpired =
        last.getRenewTime() != null
            && last.getRenewTime().plus(leaseDuration).isAfter(wallClock.get());
    return seenRenewing && unexpired ? Optional.of(holder) : Optional.empty();
  }

  /** The holder last seen, for messages. */
  synchronized String lastHolder() {
    return last == null ? null : last.getHolderIdentity();
  }
}
