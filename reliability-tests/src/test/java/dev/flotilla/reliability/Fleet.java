package dev.flotilla.reliability;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The partition test's objects and how it reads the members: every labelled ConfigMap in every
 * member, as {@code member/name -> "uid resourceVersion value"}.
 */
final class Fleet {
  static final String LABEL = "reliability-partition";

  private Fleet() {}

  static HasMetadata namespace(String ns) {
    return new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build();
  }

  static ConfigMap configMap(String ns, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels(LABEL, "yes")
        .endMetadata()
        .addToData("v", value)
        .build();
  }

  static ConfigMap withValue(ConfigMap c, String value) {
    return new ConfigMapBuilder(c).addToData("v", value).build();
  }

  static GenericKubernetesResource policy(String ns, Iterable<String> members) {
    return Serialization.unmarshal(
        """
        apiVersion: policy.karmada.io/v1alpha1
        kind: PropagationPolicy
        metadata: {name: all, namespace: %s}
        spec:
          resourceSelectors:
          - {apiVersion: v1, kind: ConfigMap, labelSelector: {matchLabels: {%s: "yes"}}}
          placement:
            clusterAffinity: {clusterNames: [%s]}
        """
            .formatted(ns, LABEL, String.join(", ", members)),
        GenericKubernetesResource.class);
  }

  /**
   * Waits until every member holds cm-0..cm-4 and the {@code changed} names, each with its value
   * ({@code changed}'s, else v0), and nothing else; returns that state.
   */
  static Map<String, String> awaitMembers(
      Path simDir, String ns, Iterable<String> members, Map<String, String> changed)
      throws Exception {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i < 5; i++) {
      wanted.put("cm-" + i, "v0");
    }
    wanted.putAll(changed);
    return Await.until(
        "members converged on " + wanted,
        Duration.ofMinutes(5),
        () -> {
          Map<String, String> state = read(simDir, ns, members);
          Map<String, String> values = new TreeMap<>();
          for (String m : members) {
            wanted.forEach((name, v) -> values.put(m + "/" + name, v));
          }
          Map<String, String> seen = new TreeMap<>();
          state.forEach((k, v) -> seen.put(k, v.split(" ")[2]));
          if (!seen.equals(values)) {
            Thread.sleep(1000);
            return null;
          }
          return state;
        });
  }

  /**
   * Reads the members every two seconds for {@code period}, failing if any object changed, went or
   * came; returns how many reads were made.
   */
  static long holdsStill(
      Path simDir, String ns, Iterable<String> members, Map<String, String> before, Duration period)
      throws Exception {
    long end = System.nanoTime() + period.toNanos();
    long checks = 0;
    while (System.nanoTime() < end) {
      Map<String, String> now = read(simDir, ns, members);
      if (!now.equals(before)) {
        throw new AssertionError("a member changed while cut off: " + before + " -> " + now);
      }
      checks++;
      Thread.sleep(2000);
    }
    return checks;
  }

  /** How many objects of {@code before} are gone or have another uid (deleted, re-created). */
  static int changedUids(Map<String, String> before, Map<String, String> after) {
    int changed = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (now == null || !now.split(" ")[0].equals(e.getValue().split(" ")[0])) {
        System.out.println(
            "RE-CREATED or DELETED: " + e.getKey() + " " + e.getValue() + " -> " + now);
        changed++;
      }
    }
    return changed;
  }

  private static Map<String, String> read(Path simDir, String ns, Iterable<String> members)
      throws Exception {
    Map<String, String> state = new HashMap<>();
    for (String m : members) {
      try (KubernetesClient member = Kubeconfigs.client(simDir.resolve("members.kubeconfig"), m)) {
        for (ConfigMap c : member.configMaps().inNamespace(ns).withLabel(LABEL).list().getItems()) {
          state.put(
              m + "/" + c.getMetadata().getName(),
              c.getMetadata().getUid()
                  + " "
                  + c.getMetadata().getResourceVersion()
                  + " "
                  + c.getData().get("v"));
        }
      }
    }
    return new TreeMap<>(state);
  }
}
