package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.eviction.TaintSpecs;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code flotilla cluster cordon|uncordon|taint NAME}: changes a Cluster's taints on the hub as
 * {@code karmadactl cordon}, {@code uncordon} and {@code taint} do. Cordon adds {@code
 * cluster.karmada.io/unschedulable:NoSchedule}; a NoExecute taint also evicts what does not
 * tolerate it.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "Cordon, uncordon or taint a member cluster (as karmadactl does).",
    subcommands = {
      ClusterCommand.Cordon.class,
      ClusterCommand.Uncordon.class,
      ClusterCommand.Taint.class
    })
final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** Options every subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "The Cluster.")
    String cluster;

    @Option(names = "--kubeconfig", defaultValue = "./flotilla-data/kubeconfig")
    Path kubeconfig;

    /** The new taints from the current ones; throws IllegalArgumentException to refuse. */
    abstract ArrayNode change(JsonNode taints, Instant now);

    abstract String done(boolean changed);

    @Override
    public Integer call() throws Exception {
      try (KubernetesClient hub = AgentTokenCommand.hub(kubeconfig)) {
        for (int attempt = 0; ; attempt++) {
          GenericKubernetesResource c =
              hub.genericKubernetesResources(Kinds.CLUSTER).withName(cluster).get();
          if (c == null) {
            System.err.println("error: clusters.cluster.karmada.io \"" + cluster + "\" not found");
            return 1;
          }
          ObjectNode tree = Trees.tree(c);
          JsonNode before = tree.path("spec").path("taints");
          ArrayNode after;
          try {
            after = change(before.isArray() ? before : tree.arrayNode(), Instant.now());
          } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
          }
          if (Trees.same(after, before.isArray() ? before : tree.arrayNode())) {
            System.out.println("cluster/" + cluster + " " + done(false));
            return 0;
          }
          tree.with("spec").set("taints", after);
          try {
            hub.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(tree)).update();
            System.out.println("cluster/" + cluster + " " + done(true));
            return 0;
          } catch (KubernetesClientException e) {
            if (e.getCode() != 409 || attempt >= 5) {
              throw e;
            }
          }
        }
      }
    }
  }

  @Command(
      name = "cordon",
      mixinStandardHelpOptions = true,
      description = "Mark NAME unschedulable.")
  static final class Cordon extends Base {
    @Override
    ArrayNode change(JsonNode taints, Instant now) {
      boolean has = false;
      for (JsonNode t : taints) {
        has |= isCordon(t);
      }
      return has
          ? (ArrayNode) taints.deepCopy()
          : TaintSpecs.apply(
              taints,
              List.of(TaintSpecs.parse(TaintSpecs.UNSCHEDULABLE + ":NoSchedule")),
              false,
              now);
    }

    @Override
    String done(boolean changed) {
      return changed ? "cordoned" : "already cordoned";
    }
  }

  @Command(
      name = "uncordon",
      mixinStandardHelpOptions = true,
      description = "Mark NAME schedulable.")
  static final class Uncordon extends Base {
    @Override
    ArrayNode change(JsonNode taints, Instant now) {
      ArrayNode out = ((ArrayNode) taints).arrayNode();
      for (JsonNode t : taints) {
        if (!isCordon(t)) {
          out.add(t);
        }
      }
      return out;
    }

    @Override
    String done(boolean changed) {
      return changed ? "uncordoned" : "already uncordoned";
    }
  }

  @Command(
      name = "taint",
      mixinStandardHelpOptions = true,
      description = "Add (key[=value]:Effect) or remove (key[:Effect]-) taints of NAME.")
  static final class Taint extends Base {
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TAINT")
    List<String> taints = new ArrayList<>();

    @Option(names = "--overwrite", description = "Replace the value of an existing taint.")
    boolean overwrite;

    @Override
    ArrayNode change(JsonNode current, Instant now) {
      List<TaintSpecs.Spec> specs = new ArrayList<>();
      taints.forEach(t -> specs.add(TaintSpecs.parse(t)));
      return TaintSpecs.apply(current, specs, overwrite, now);
    }

    @Override
    String done(boolean changed) {
      boolean removing = taints.stream().allMatch(t -> t.endsWith("-"));
      return changed ? (removing ? "untainted" : "tainted") : "modified (no change)";
    }
  }

  private static boolean isCordon(JsonNode t) {
    return TaintSpecs.UNSCHEDULABLE.equals(t.path("key").asText())
        && "NoSchedule".equals(t.path("effect").asText());
  }
}
