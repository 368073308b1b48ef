package dev.flotilla.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.why.PreviewText;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flotilla preview -f FILE}: the placement preview of every (Cluster)PropagationPolicy in a
 * file, asked of the hub each time as a server-side dry run (a create, or an update of the stored
 * policy), so an unchanged policy is previewed too, which a client-side {@code kubectl apply
 * --dry-run=server} skips.
 */
@Command(
    name = "preview",
    mixinStandardHelpOptions = true,
    description = {
      "Show where the PropagationPolicies in a file would place their templates, without"
          + " storing anything: the clusters chosen, why each other cluster was filtered out, the"
          + " templates another policy claims, and cluster names that do not exist.",
      "Example: flotilla preview -f examples/quickstart/policy.yaml"
    })
final class PreviewCommand implements Callable<Integer> {
  @Option(
      names = {"-f", "--filename"},
      required = true,
      description = "YAML or JSON with one or more policies.")
  Path file;

  @Option(
      names = {"-o", "--output"},
      description = "text (default) or json: the policy's status.placementPreview as JSON.")
  String output = "text";

  @Mixin HubKubeconfig kubeconfig;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!output.equals("text") && !output.equals("json")) {
      spec.commandLine()
          .getErr()
          .println("error: --output must be text or json, not \"" + output + "\"");
      return 2;
    }
    List<JsonNode> policies = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isEmpty()) {
          continue;
        }
        String kind = doc.path("kind").asText();
        if (doc.path("apiVersion").asText().startsWith("policy.karmada.io/")
            && (kind.equals("PropagationPolicy") || kind.equals("ClusterPropagationPolicy"))) {
          policies.add(doc);
        } else {
          spec.commandLine()
              .getErr()
              .println(
                  "skipped "
                      + kind
                      + " "
                      + doc.path("metadata").path("name").asText()
                      + ": only policies are previewed");
        }
      }
    }
    if (policies.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println("error: " + file + " holds no PropagationPolicy or ClusterPropagationPolicy");
      return 1;
    }
    int failed = 0;
    try (KubernetesClient hub = kubeconfig.client()) {
      String defaultNs = kubeconfig.namespace(hub);
      for (JsonNode policy : policies) {
        try {
          JsonNode previewed = dryRun(hub, policy, defaultNs);
          JsonNode preview = previewed.path("status").path("placementPreview");
          spec.commandLine()
              .getOut()
              .print(
                  output.equals("json")
                      ? Trees.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(preview)
                          + "\n"
                      : PreviewText.render(previewed));
        } catch (KubernetesClientException e) {
          failed++;
          spec.commandLine()
              .getErr()
              .println(
                  "error: "
                      + policy.path("kind").asText()
                      + " "
                      + policy.path("metadata").path("name").asText()
                      + ": "
                      + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
        }
      }
    }
    spec.commandLine().getOut().flush();
    return failed == 0 ? 0 : 1;
  }

  /** A dry-run create, or a dry-run update when the policy is stored: the hub always answers. */
  private static JsonNode dryRun(KubernetesClient hub, JsonNode policy, String defaultNs) {
    boolean cluster = policy.path("kind").asText().equals("ClusterPropagationPolicy");
    var all =
        hub.genericKubernetesResources(
            cluster ? Kinds.CLUSTER_PROPAGATION_POLICY : Kinds.PROPAGATION_POLICY);
    String ns = policy.path("metadata").path("namespace").asText(defaultNs);
    var scoped = cluster ? all : all.inNamespace(ns);
    GenericKubernetesResource desired = Trees.generic(policy);
    if (!cluster) {
      desired.getMetadata().setNamespace(ns);
    }
    GenericKubernetesResource stored = scoped.withName(desired.getMetadata().getName()).get();
    GenericKubernetesResource answer;
    if (stored == null) {
      answer = scoped.resource(desired).dryRun().create();
    } else {
      desired.getMetadata().setResourceVersion(stored.getMetadata().getResourceVersion());
      answer = scoped.resource(desired).dryRun().update();
    }
    return Trees.tree(answer);
  }
}
