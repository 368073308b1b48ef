package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Background;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl get -w} with every stock kubectl: started in the background, it must print the
 * current objects, then each change made by another kubectl while it runs.
 */
class KubectlWatchIT {
  private static final String BINARIES = "dev.flotilla.fixtures.KubectlRunner#binaries";
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension static final KubectlHub rig = KubectlHub.withNamespacePrefix("kw");

  /** True when some line of the watch output is "EVENT name ..." (--output-watch-events). */
  private static boolean printed(String output, String event, String name) {
    return Pattern.compile("(?m)^" + event + "\\s+" + Pattern.quote(name) + "\\s")
        .matcher(output)
        .find();
  }

  private static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\ndata:\n  k: v\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void watchConfigMaps(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    kubectl.writeWithInput(configMap("before"), "-n", ns, "create", "-f", "-").assertOk();
    try (Background watch =
        kubectl.background("-n", ns, "get", "configmaps", "-w", "--output-watch-events")) {
      watch.awaitStdout(out -> printed(out, "ADDED", "before"), WAIT, "the existing ConfigMap");

      kubectl.writeWithInput(configMap("during"), "-n", ns, "create", "-f", "-").assertOk();
      watch.awaitStdout(out -> printed(out, "ADDED", "during"), WAIT, "ADDED during");
      kubectl.run("-n", ns, "label", "cm", "during", "seen=yes").assertOk();
      watch.awaitStdout(out -> printed(out, "MODIFIED", "during"), WAIT, "MODIFIED during");
      kubectl.run("-n", ns, "delete", "cm", "during").assertOk();
      String out = watch.awaitStdout(o -> printed(o, "DELETED", "during"), WAIT, "DELETED during");
      assertTrue(out.startsWith("EVENT"), out);
      assertTrue(watch.alive(), "get -w should still be running: " + watch.stderr());
      assertTrue(watch.stderr().isEmpty(), watch.stderr());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(BINARIES)
  void watchOnePropagationPolicyAsYaml(Binary binary) {
    KubectlRunner kubectl = rig.pool().runner(binary);
    String ns = rig.pool().namespace(binary);
    String pp =
        KubectlFlotillaIT.SEED_EXPORT.substring(KubectlFlotillaIT.SEED_EXPORT.indexOf("---") + 4);
    kubectl.writeWithInput(pp, "-n", ns, "create", "-f", "-").assertOk();
    try (Background watch =
        kubectl.background(
            "-n",
            ns,
            "get",
            "pp",
            "serve-export-policy",
            "-w",
            "-o",
            "jsonpath={.metadata.name} {.spec.placement.clusterAffinity.clusterNames[0]}"
                + " {.metadata.labels.stage}{\"\\n\"}")) {
      watch.awaitStdout(
          out -> out.contains("serve-export-policy member1"), WAIT, "the current policy");
      kubectl.run("-n", ns, "label", "pp", "serve-export-policy", "stage=canary").assertOk();
      watch.awaitStdout(
          out -> out.contains("serve-export-policy member1 canary"), WAIT, "the labelled policy");
      kubectl
          .run(
              "-n",
              ns,
              "patch",
              "pp",
              "serve-export-policy",
              "--type=merge",
              "-p",
              "{\"spec\":{\"placement\":{\"clusterAffinity\":{\"clusterNames\":[\"member2\"]}}}}")
          .assertOk();
      watch.awaitStdout(
          out -> out.contains("serve-export-policy member2 canary"), WAIT, "the patched policy");
    }
  }
}
