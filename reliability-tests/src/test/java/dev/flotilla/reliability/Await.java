package dev.flotilla.reliability;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waits for a condition with a generous timeout: nothing here asserts on time. */
final class Await {
  private Await() {}

  static <T> T until(String what, Duration timeout, Callable<T> probe) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.call();
        if (value != null) {
          return value;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("timed out waiting for " + what, last);
  }
}
