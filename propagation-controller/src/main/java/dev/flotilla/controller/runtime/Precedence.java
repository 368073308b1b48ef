package dev.flotilla.controller.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * New objects placed before placed ones fan out, when asked for ({@code
 * -Dflotilla.fanOutWhilePlacing=N}; off by default, and 4 in what {@code bin/flotilla} gives a hub
 * of 1 GiB of heap or more: see {@code hub-jvm.options}). A template or binding that has just
 * appeared (an {@code ADDED} event the detector or scheduler has not yet reconciled) is an arrival;
 * while any arrival waits, the binding controller's Work writes go {@link #whileBusy} at a time
 * instead of all at once. Karmada's scheduler runs in a process of its own; ours shares the hub's
 * cores with the fan-out. In 100-cluster bursts on 2 cores (bench/README.md, sessions 15 and 16), 4
 * at a time raised schedules/s by a third with the serial collector and by a fifth with the
 * parallel one; with the serial one it cost the second burst 10-25% of its Works/s (the placement's
 * writes waited on the store and on collections more than on the CPU, and held writes left the
 * cores idle), with the parallel one the cost stayed within the runs' noise. 16 at a time gained
 * neither.
 *
 * <p>Never a stall: an arrival counts for at most {@link #arrivalTtlNanos} (a reconcile that never
 * comes, a deleted object), and a write waits at most {@link #maxWaitNanos}. A hub listing its
 * 30,000 templates after a restart therefore slows its Work writes for seconds, not longer.
 */
public final class Precedence {
  private static final Counter HELD =
      Counter.builder("flotilla.fanout.held")
          .baseUnit("seconds")
          .description("Time Work writes waited while new templates or bindings were being placed")
          .register(Metrics.globalRegistry);

  private final ConcurrentHashMap<String, Long> arrivals = new ConcurrentHashMap<>();
  private final int whileBusy;
  private final long arrivalTtlNanos;
  private final long maxWaitNanos;
  private final LongSupplier clock;
  private long nextPurge; // guarded by this
  private int inFlight; // guarded by this

  public Precedence(int whileBusy, long arrivalTtlMillis, long maxWaitMillis, LongSupplier clock) {
    if (whileBusy < 1) {
      throw new IllegalArgumentException("at least one fan-out write must go at a time");
    }
    this.whileBusy = whileBusy;
    this.arrivalTtlNanos = TimeUnit.MILLISECONDS.toNanos(arrivalTtlMillis);
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    this.clock = clock;
    this.nextPurge = clock.getAsLong();
  }

  /**
   * The hub's: off unless {@code -Dflotilla.fanOutWhilePlacing} names how many Work writes go at a
   * time while arrivals wait; arrivals counted for 2 s, a write held for 1 s at most.
   */
  public static Precedence forHub() {
    int n = Integer.getInteger("flotilla.fanOutWhilePlacing", 0);
    return new Precedence(n > 0 ? n : Integer.MAX_VALUE, 2_000, 1_000, System::nanoTime);
  }

  /** Whether writes are ever held: false for a precedence of unbounded writes. */
  public boolean on() {
    return whileBusy != Integer.MAX_VALUE;
  }

  /** {@code key} (unique across controllers) has appeared and waits for its first reconcile. */
  public void arrived(String key) {
    if (!on()) {
      return; // nothing is ever held: keep no arrivals
    }
    arrivals.putIfAbsent(key, clock.getAsLong());
  }

  /** Whether any arrival is recorded, however old: a cheap look before {@link #placed}. */
  public boolean waiting() {
    return !arrivals.isEmpty();
  }

  /** {@code key} has been reconciled (or given up on): it no longer holds the fan-out back. */
  public void placed(String key) {
    if (arrivals.remove(key) != null && arrivals.isEmpty()) {
      synchronized (this) {
        notifyAll(); // the last one lets held writes go now rather than at their next look
      }
    }
  }

  /** Whether any arrival younger than the time-to-live waits. */
  public synchronized boolean busy() {
    long now = clock.getAsLong();
    if (now - nextPurge >= 0) {
      nextPurge = now + TimeUnit.MILLISECONDS.toNanos(50);
      arrivals.values().removeIf(at -> now - at > arrivalTtlNanos);
    }
    return !arrivals.isEmpty();
  }

  /**
   * Waits for a fan-out write's turn: at once when nothing waits to be placed or fewer than {@link
   * #whileBusy} writes are in flight, else until one of those holds or {@link #maxWaitNanos} has
   * passed. Every call is followed by one {@link #exitFanOut()}.
   */
  public void enterFanOut() {
    if (!on()) {
      return;
    }
    long start = clock.getAsLong();
    boolean held = false;
    synchronized (this) {
      while (inFlight >= whileBusy && busy() && clock.getAsLong() - start < maxWaitNanos) {
        held = true;
        try {
          // A finished write or the last arrival placed wakes one; the look again is for the
          // arrivals' time-to-live, which ends with no notification.
          wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // shutting down: the write fails on its own
          break;
        }
      }
      inFlight++;
    }
    if (held) {
      HELD.increment((clock.getAsLong() - start) / 1e9);
    }
  }

  public synchronized void exitFanOut() {
    if (!on()) {
      return;
    }
    inFlight--;
    notify();
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
