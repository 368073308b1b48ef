package dev.flotilla.controller.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * New objects are placed before placed ones fan out. A template or binding that has just appeared
 * (an {@code ADDED} event the detector or scheduler has not yet reconciled) is an arrival; while
 * any arrival waits, the Work writes of the binding controller go {@link #whileBusy} at a time
 * instead of all at once. On 2 cores a 100-cluster burst otherwise spends the CPU on the Works of
 * the first bindings while the rest wait to be scheduled (bench/README.md, session 15): Karmada's
 * scheduler runs in a process of its own, ours shares the hub's cores, and this is its share.
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
   * The hub's: 4 writes at a time while arrivals wait ({@code -Dflotilla.fanOutWhilePlacing}),
   * arrivals counted for 2 s, a write held for 1 s at most.
   */
  public static Precedence forHub() {
    return new Precedence(
        Integer.getInteger("flotilla.fanOutWhilePlacing", 4), 2_000, 1_000, System::nanoTime);
  }

  /** {@code key} (unique across controllers) has appeared and waits for its first reconcile. */
  public void arrived(String key) {
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
    inFlight--;
    notify();
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
