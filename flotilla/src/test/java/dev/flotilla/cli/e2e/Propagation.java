package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.fixtures.Await;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.List;

/** Templates, policies and the checks most scenarios share. */
final class Propagation {
  private Propagation() {}

  /**
   * A ConfigMap and a PropagationPolicy selecting it by name, with a placement in YAML flow style.
   */
  static String configMapWithPolicy(String namespace, String name, String placement) {
    return configMapWithPolicy(namespace, name, placement, "");
  }

  /**
   * As {@link #configMapWithPolicy(String, String, String)}, the policy's spec ending with {@code
   * moreSpec} (YAML lines at the spec's indentation, e.g. {@code " suspension: {dispatching:
   * true}\n"}).
   */
  static String configMapWithPolicy(
      String namespace, String name, String placement, String moreSpec) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: %1$s, namespace: %2$s}
        data: {greeting: hello}
        ---
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: %1$s}]
          placement: %3$s
        """
            .formatted(name, namespace, placement)
        + moreSpec;
  }

  /** A Deployment of nginx with {@code replicas}. */
  static String deployment(String namespace, String name, int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %2$s, labels: {app: %1$s}}
        spec:
          replicas: %3$d
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec: {containers: [{name: web, image: nginx:1.25}]}
        """
        .formatted(name, namespace, replicas);
  }

  static ConfigMap memberConfigMap(Fleet fleet, String member, String namespace, String name) {
    return fleet.member(member).configMaps().inNamespace(namespace).withName(name).get();
  }

  /**
   * Waits until the ConfigMap's binding is scheduled to exactly {@code expected} and every one of
   * them holds the ConfigMap; then checks that no other member has a Work or a copy.
   */
  static void awaitConfigMapExactlyIn(
      Fleet fleet, String namespace, String name, List<String> expected) {
    List<String> sorted = new ArrayList<>(expected);
    sorted.sort(null);
    Await.until(
        "ConfigMap " + namespace + "/" + name + " scheduled to " + sorted,
        () -> {
          JsonNode rb = fleet.binding(namespace, "ConfigMap", name);
          return rb != null && Fleet.scheduledClusters(rb).equals(sorted) ? rb : null;
        });
    for (String member : sorted) {
      Await.until(
          "ConfigMap " + namespace + "/" + name + " in " + member,
          () -> memberConfigMap(fleet, member, namespace, name));
    }
    for (String member : fleet.memberNames()) {
      if (!sorted.contains(member)) {
        assertNull(
            fleet.work(member, namespace, "ConfigMap", name),
            "no Work for " + name + " in karmada-es-" + member);
        assertNull(
            memberConfigMap(fleet, member, namespace, name), name + " must not reach " + member);
      }
    }
    JsonNode rb = fleet.binding(namespace, "ConfigMap", name);
    assertEquals(sorted, Fleet.scheduledClusters(rb), "the binding still targets " + sorted);
  }
}
