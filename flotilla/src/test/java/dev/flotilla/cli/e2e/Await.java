package dev.flotilla.cli.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls until a probe answers; generous deadlines, never a timing assertion. */
public final class Await {
  public static final Duration DEFAULT = Duration.ofSeconds(90);

  private Await() {}

  /** Waits for {@code probe} to return non-null (or true), returning that value. */
  public static <T> T until(String what, Supplier<T> probe) {
    return until(what, DEFAULT, probe);
  }

  public static <T> T until(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        T value = probe.get();
        if (value != null && !Boolean.FALSE.equals(value)) {
          return value;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e; // the hub or a member may be restarting; look again
      }
      if (System.nanoTime() > deadline) {
        AssertionError error =
            new AssertionError(
                "timed out after "
                    + timeout.toSeconds()
                    + " s waiting for: "
                    + what
                    + (last == null ? "" : " (last error: " + last + ")"));
        if (last != null) {
          error.initCause(last);
        }
        throw error;
      }
      sleep(Duration.ofMillis(200));
    }
  }

  /** Lets the controllers and agents act on what a test just did before it checks for absence. */
  public static void settle(Duration d) {
    sleep(d);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
