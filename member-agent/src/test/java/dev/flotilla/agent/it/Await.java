package dev.flotilla.agent.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds; generous timeouts, never a timing assertion. */
final class Await {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Await() {}

  /** Polls {@code probe} until {@code done} accepts its value, returning that value. */
  static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      sleep(100);
    }
    if (lastError != null) {
      throw new AssertionError(
          "timed out waiting for " + what + "; last error: " + lastError, lastError);
    }
    fail("timed out waiting for " + what + "; last value: " + last);
    return last;
  }

  /** Polls until {@code check} returns true. */
  static void until(String what, Supplier<Boolean> check) {
    until(what, check, Boolean.TRUE::equals);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
