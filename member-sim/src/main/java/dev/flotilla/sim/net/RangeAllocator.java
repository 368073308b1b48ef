package dev.flotilla.sim.net;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * Hands out numbers from [first, last] (addresses as offsets, or ports). What is in use is learnt
 * from stored objects ({@link #markUsed}, {@link #release}); what admission hands out stays
 * reserved until the object is seen stored, or for {@code reservationMillis} when the write never
 * happens. Allocation is next-fit, so a freed number is not reused at once.
 */
public final class RangeAllocator {
  private final long first;
  private final long last;
  private final long dynamicFrom;
  private final long reservationMillis;
  private final LongSupplier clock;
  private final BitSet used = new BitSet();
  private final Map<Long, Reservation> reserved = new HashMap<>();
  private long cursor;

  /** Who asked for a number (e.g. "namespace/name"), and until when it is held for them. */
  private record Reservation(String holder, long until) {}

  public RangeAllocator(long first, long last, long reservationMillis) {
    this(first, last, first, reservationMillis, System::currentTimeMillis);
  }

  /**
   * An allocator whose {@link #allocate()} prefers [dynamicFrom, last], leaving the numbers below
   * for clients that ask for one (as Kubernetes keeps a band for static ClusterIPs).
   */
  public RangeAllocator(long first, long last, long dynamicFrom, long reservationMillis) {
    this(first, last, dynamicFrom, reservationMillis, System::currentTimeMillis);
  }

  RangeAllocator(
      long first, long last, long dynamicFrom, long reservationMillis, LongSupplier clock) {
    if (first < 0 || last < first || last - first >= Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad range [" + first + ", " + last + "]");
    }
    this.first = first;
    this.last = last;
    this.dynamicFrom = Math.min(Math.max(dynamicFrom, first), last);
    this.reservationMillis = reservationMillis;
    this.clock = clock;
    this.cursor = this.dynamicFrom;
  }

  public long first() {
    return first;
  }

  public long last() {
    return last;
  }

  public boolean inRange(long value) {
    return value >= first && value <= last;
  }

  /**
   * The next free number of the dynamic band after the last one handed out, else any free one,
   * reserved; empty when all are taken.
   */
  public synchronized OptionalLong allocate() {
    OptionalLong v = scan(cursor, dynamicFrom, last);
    if (v.isPresent()) {
      cursor = v.getAsLong() == last ? dynamicFrom : v.getAsLong() + 1;
      return v;
    }
    return dynamicFrom > first ? scan(first, first, dynamicFrom - 1) : v;
  }

  /** A free number in [from, to] (clipped to the range), reserved; empty when none is free. */
  public synchronized OptionalLong allocateIn(long from, long to) {
    long lo = Math.max(first, from);
    long hi = Math.min(last, to);
    if (lo > hi) {
      return OptionalLong.empty();
    }
    return scan(lo, lo, hi);
  }

  private OptionalLong scan(long start, long lo, long hi) {
    long now = clock.getAsLong();
    long n = hi - lo + 1;
    for (long i = 0; i < n; i++) {
      long v = start + i > hi ? start + i - n : start + i;
      if (isFree(v, null, now)) {
        reserved.put(v, new Reservation(null, now + reservationMillis));
        return OptionalLong.of(v);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Reserves a number a client asked for; false when it is in use or reserved for another holder
   * (or outside the range). Asking again for the same holder succeeds, so a retried write does not
   * trip over its own reservation.
   */
  public synchronized boolean reserve(long value, String holder) {
    long now = clock.getAsLong();
    if (!inRange(value) || !isFree(value, holder, now)) {
      return false;
    }
    reserved.put(value, new Reservation(holder, now + reservationMillis));
    return true;
  }

  /** Records a number held by a stored object. */
  public synchronized void markUsed(long value) {
    if (inRange(value)) {
      used.set((int) (value - first));
      reserved.remove(value);
    }
  }

  /** Records that no stored object holds the number any longer. */
  public synchronized void release(long value) {
    if (inRange(value)) {
      used.clear((int) (value - first));
    }
  }

  public synchronized boolean isUsed(long value) {
    return inRange(value) && used.get((int) (value - first));
  }

  private boolean isFree(long value, String holder, long now) {
    if (used.get((int) (value - first))) {
      return false;
    }
    Reservation r = reserved.get(value);
    if (r == null) {
      return true;
    }
    if (r.until() <= now) {
      reserved.remove(value);
      return true;
    }
    return holder != null && holder.equals(r.holder());
  }
}
