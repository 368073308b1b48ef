package dev.flotilla.sim.testing;

import dev.flotilla.sim.SimulatedMember;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A fabric8 client for a simulated member, and a generous wait (never a timing assertion). */
public final class MemberClients {
  public static final Duration WAIT = Duration.ofSeconds(90);

  private MemberClients() {}

  public static KubernetesClient client(SimulatedMember m) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder()
                .withMasterUrl(m.url())
                .withCaCertData(
                    Base64.getEncoder()
                        .encodeToString(
                            m.kubeconfigContext().caPem().getBytes(StandardCharsets.UTF_8)))
                .withOauthToken(m.kubeconfigContext().token())
                .build())
        .build();
  }

  /**
   * Polls {@code probe} until {@code done} holds; fails with the last value after {@link #WAIT}.
   */
  public static <T> T await(String what, Supplier<T> probe, Predicate<T> done) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.get();
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what + "; last: " + last);
  }
}
