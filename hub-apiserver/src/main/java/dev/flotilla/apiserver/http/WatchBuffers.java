package dev.flotilla.apiserver.http;

import io.vertx.core.Context;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all watch streams of one server hold for their clients (queued, or written but not yet
 * taken by the socket), against one overall cap besides each watch's own. Past the cap the watches
 * holding the most, the slowest readers, are cut off at once (their connection closed, which frees
 * what it held); their clients re-list and re-watch, as after kube-apiserver ends a watch.
 */
final class WatchBuffers {
  private final long cap;
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final AtomicInteger cut = new AtomicInteger();
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();

  WatchBuffers(long cap) {
    this.cap = cap;
  }

  /** What one watch holds; {@code abort} runs on {@code context} when it is cut off. */
  final class Account {
    private final Context context;
    private final Runnable abort;
    private long pending;
    private boolean released;

    private Account(Context context, Runnable abort) {
      this.context = context;
      this.abort = abort;
    }

    /** {@code bytes} more are held for this client. */
    void add(long bytes) {
      synchronized (this) {
        if (released) {
          return;
        }
        pending += bytes;
      }
      long now = total.addAndGet(bytes);
      peak.accumulateAndGet(now, Math::max);
      if (now > cap) {
        shed();
      }
    }

    /** {@code bytes} went to the socket (or were dropped). */
    void done(long bytes) {
      synchronized (this) {
        if (released) {
          return;
        }
        pending -= bytes;
      }
      total.addAndGet(-bytes);
    }

    synchronized long pending() {
      return released ? -1 : pending;
    }

    /** Cuts the watch off now (on its loop): its connection closes, dropping what it held. */
    void abort() {
      release();
      abort.run();
    }

    /** The watch ended: what it still holds no longer counts. */
    void release() {
      long held;
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
        held = pending;
        pending = 0;
      }
      accounts.remove(this);
      total.addAndGet(-held);
    }
  }

  Account open(Context context, Runnable abort) {
    Account a = new Account(context, abort);
    accounts.add(a);
    return a;
  }

  /** Cuts off the watches holding the most until the total is back under the cap. */
  private synchronized void shed() {
    while (total.get() > cap) {
      Account slowest = null;
      long most = 0;
      for (Account a : accounts) {
        long p = a.pending();
        if (p > most) {
          most = p;
          slowest = a;
        }
      }
      if (slowest == null) {
        return;
      }
      Account victim = slowest;
      victim.release(); // counted out now, so the next pick is another watch
      cut.incrementAndGet();
      victim.context.runOnContext(v -> victim.abort.run());
    }
  }

  /** Ends every open watch now (each on its loop): their clients reconnect, e.g. elsewhere. */
  void abortAll() {
    for (Account a : List.copyOf(accounts)) {
      a.release();
      a.context.runOnContext(v -> a.abort.run());
    }
  }

  long total() {
    return total.get();
  }

  long peak() {
    return peak.get();
  }

  int cut() {
    return cut.get();
  }
}
