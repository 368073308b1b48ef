package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static dev.flotilla.apiserver.it.PodFixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.fixtures.KubectlRunner;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The disruption controller, seen through fabric8 and kubectl: a PodDisruptionBudget's status
 * follows its pods (counts, observedGeneration, the DisruptionAllowed condition with upstream's
 * reasons), disruptedPods entries go when their pod goes or after two minutes, an eviction marks
 * the pod DisruptionTarget before it deletes it, and a stale DisruptionTarget turns False.
 */
class DisruptionControllerIT {
  @RegisterExtension static final Fabric8Hub RIG = Fabric8Hub.plain();

  private static void budget(String ns, String app, IntOrString min) {
    RIG.admin()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(ns)
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(app)
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(min)
                .withNewSelector()
                .withMatchLabels(Map.of("app", app))
                .endSelector()
                .endSpec()
                .build())
        .create();
  }

  private static PodDisruptionBudget get(String ns, String name) {
    return RIG.admin().policy().v1().podDisruptionBudget().inNamespace(ns).withName(name).get();
  }

  /** Waits until the budget's status passes {@code test}; returns that status. */
  private static PodDisruptionBudgetStatus awaitStatus(
      String ns, String name, String what, Predicate<PodDisruptionBudgetStatus> test) {
    PodDisruptionBudgetStatus[] seen = {null};
    await(
        what,
        () -> {
          PodDisruptionBudget pdb = get(ns, name);
          seen[0] = pdb == null ? null : pdb.getStatus();
          return seen[0] != null && test.test(seen[0]);
        });
    return seen[0];
  }

  private static boolean figures(
      PodDisruptionBudgetStatus s, int expected, int desired, int current, int allowed) {
    return s.getExpectedPods() == expected
        && s.getDesiredHealthy() == desired
        && s.getCurrentHealthy() == current
        && s.getDisruptionsAllowed() == allowed;
  }

  private static Condition allowedCondition(PodDisruptionBudgetStatus s) {
    return s.getConditions().stream()
        .filter(c -> c.getType().equals("DisruptionAllowed"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no DisruptionAllowed condition: " + s));
  }

  private static void setConditions(String ns, String pod, List<PodCondition> conditions) {
    RIG.admin()
        .pods()
        .inNamespace(ns)
        .withName(pod)
        .editStatus(
            p -> {
              p.getStatus().setConditions(conditions);
              return p;
            });
  }

  private static PodCondition condition(String type, String status, String reason, Instant at) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withLastTransitionTime(at.truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }

  @Test
  void statusFollowsPodsAndSpec() {
    String ns = newNamespace(RIG.admin(), "pdb-status");
    for (String p : new String[] {"a", "b", "c"}) {
      pod(RIG.admin(), ns, p, "web", "Running", true, null);
    }
    budget(ns, "web", new IntOrString(2));
    PodDisruptionBudgetStatus s =
        awaitStatus(ns, "web", "3 healthy, 2 needed", st -> figures(st, 3, 2, 3, 1));
    assertEquals(1L, s.getObservedGeneration());
    Condition c = allowedCondition(s);
    assertEquals("True", c.getStatus());
    assertEquals("SufficientPods", c.getReason());
    assertEquals(1L, c.getObservedGeneration());
    assertTrue(s.getDisruptedPods().isEmpty(), s.toString());

    setConditions(ns, "c", List.of(condition("Ready", "False", null, Instant.now())));
    s = awaitStatus(ns, "web", "c unready", st -> figures(st, 3, 2, 2, 0));
    c = allowedCondition(s);
    assertEquals("False", c.getStatus());
    assertEquals("InsufficientPods", c.getReason());

    RIG.admin()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(ns)
        .withName("web")
        .edit(
            pdb -> {
              pdb.getSpec().setMinAvailable(new IntOrString(1));
              return pdb;
            });
    s = awaitStatus(ns, "web", "the new spec observed", st -> st.getObservedGeneration() == 2L);
    assertTrue(figures(s, 3, 1, 2, 1), s.toString());
    assertEquals("SufficientPods", allowedCondition(s).getReason());

    RIG.admin().pods().inNamespace(ns).withName("a").delete();
    awaitStatus(ns, "web", "a deleted", st -> figures(st, 2, 1, 1, 0));

    // kubectl reads the controller's figure: ALLOWED DISRUPTIONS 0 for the oldest and newest.
    List<KubectlRunner.Binary> all = KubectlRunner.installed();
    assumeFalse(all.isEmpty(), KubectlRunner.notInstalledMessage());
    for (KubectlRunner.Binary binary : List.of(all.get(0), all.get(all.size() - 1))) {
      try (KubectlRunner kubectl = KubectlRunner.of(binary, RIG.hub().kubeconfig())) {
        String out = kubectl.run("-n", ns, "get", "pdb", "web").assertOk().stdout();
        assertTrue(out.contains("ALLOWED DISRUPTIONS"), binary + ": " + out);
        assertTrue(out.matches("(?s).*\\nweb\\s+1\\s+N/A\\s+0\\s.*"), binary + ": " + out);
      }
    }
  }

  @Test
  void evictionMarksThePodAndTheControllerForgetsIt() {
    String ns = newNamespace(RIG.admin(), "pdb-evict");
    Pod held = pod(RIG.admin(), ns, "held", "api", "Running", true, null);
    RIG.admin()
        .pods()
        .inNamespace(ns)
        .withName("held")
        .edit(
            p -> {
              p.getMetadata().setFinalizers(List.of("example.com/hold"));
              return p;
            });
    pod(RIG.admin(), ns, "b", "api", "Running", true, null);
    pod(RIG.admin(), ns, "c", "api", "Running", true, null);
    budget(ns, "api", new IntOrString(1));
    awaitStatus(ns, "api", "3 healthy, 1 needed", st -> figures(st, 3, 1, 3, 2));

    assertTrue(RIG.admin().pods().inNamespace(ns).withName("held").evict());
    // The finalizer keeps the evicted pod, so the mark the eviction put on it can be read.
    Pod evicted = RIG.admin().pods().inNamespace(ns).withName("held").get();
    assertNotNull(evicted.getMetadata().getDeletionTimestamp());
    PodCondition target =
        evicted.getStatus().getConditions().stream()
            .filter(c -> c.getType().equals("DisruptionTarget"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no DisruptionTarget: " + evicted.getStatus()));
    assertEquals("True", target.getStatus());
    assertEquals("EvictionByEvictionAPI", target.getReason());
    assertEquals("Eviction API: evicting", target.getMessage());
    assertNotNull(target.getLastTransitionTime());
    assertTrue(
        Long.parseLong(evicted.getMetadata().getResourceVersion())
            > Long.parseLong(held.getMetadata().getResourceVersion()));

    // A pod being deleted is not healthy and no longer a disrupted pod to wait for.
    PodDisruptionBudgetStatus s =
        awaitStatus(
            ns,
            "api",
            "held dropped from disruptedPods",
            st -> figures(st, 3, 1, 2, 1) && !st.getDisruptedPods().containsKey("held"));
    assertEquals("SufficientPods", allowedCondition(s).getReason());
    RIG.admin()
        .pods()
        .inNamespace(ns)
        .withName("held")
        .edit(
            p -> {
              p.getMetadata().setFinalizers(List.of());
              return p;
            });
  }

  @Test
  void disruptedPodsExpireAfterTwoMinutes() {
    String ns = newNamespace(RIG.admin(), "pdb-expire");
    for (String p : new String[] {"a", "b", "c", "d"}) {
      pod(RIG.admin(), ns, p, "db", "Running", true, null);
    }
    budget(ns, "db", new IntOrString(1));
    awaitStatus(ns, "db", "4 healthy", st -> figures(st, 4, 1, 4, 3));
    Instant now = Instant.now();
    // b was evicted just now, a 100 s ago (its two minutes end in 20 s), c 10 minutes ago.
    RIG.admin()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(ns)
        .withName("db")
        .editStatus(
            pdb -> {
              pdb.getStatus()
                  .setDisruptedPods(
                      Map.of(
                          "a", stamp(now.minusSeconds(100)),
                          "b", stamp(now),
                          "c", stamp(now.minusSeconds(600))));
              return pdb;
            });
    // Nothing but the controller's timer changes the budget after its first sync: a leaves on
    // its own, b stays, c was dropped at once.
    PodDisruptionBudgetStatus s =
        awaitStatus(
            ns,
            "db",
            "only b left in disruptedPods",
            st -> st.getDisruptedPods().keySet().equals(java.util.Set.of("b")));
    assertTrue(figures(s, 4, 1, 3, 2), s.toString());
  }

  private static String stamp(Instant at) {
    return at.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @Test
  void aStaleDisruptionTargetTurnsFalse() {
    String ns = newNamespace(RIG.admin(), "pdb-stale");
    pod(RIG.admin(), ns, "stale", "x", "Running", true, null);
    pod(RIG.admin(), ns, "kubelet", "x", "Running", true, null);
    Instant old = Instant.now().minusSeconds(600);
    setConditions(
        ns,
        "kubelet",
        List.of(
            condition("Ready", "True", null, old),
            condition("DisruptionTarget", "True", "TerminationByKubelet", old)));
    setConditions(
        ns,
        "stale",
        List.of(
            condition("Ready", "True", null, old),
            condition("DisruptionTarget", "True", "EvictionByEvictionAPI", old)));
    await(
        "the stale DisruptionTarget turns False",
        () -> "False".equals(target(ns, "stale").getStatus()));
    assertEquals("EvictionByEvictionAPI", target(ns, "stale").getReason());
    assertFalse(target(ns, "stale").getLastTransitionTime().startsWith(stamp(old)));
    assertEquals("True", target(ns, "kubelet").getStatus(), "the kubelet's mark is never stale");
  }

  private static PodCondition target(String ns, String pod) {
    return RIG
        .admin()
        .pods()
        .inNamespace(ns)
        .withName(pod)
        .get()
        .getStatus()
        .getConditions()
        .stream()
        .filter(c -> c.getType().equals("DisruptionTarget"))
        .findFirst()
        .orElseThrow();
  }
}
