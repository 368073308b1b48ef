package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.fixtures.KubectlRunner;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl apply --dry-run=server -o json} of a PropagationPolicy shows which templates it
 * would claim, the clusters the scheduler would choose and why the others were filtered out, and
 * stores nothing.
 */
class PlacementPreviewIT {
  private static TestHub hub;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    ResourceStorage storage = hub.server().storage();
    ResourceType clusters =
        storage.registry().find("cluster.karmada.io", "v1alpha1", "clusters").orElseThrow();
    for (String[] c :
        new String[][] {{"member1", "prod"}, {"member2", "dev"}, {"member3", "prod"}}) {
      ObjectNode cluster =
          (ObjectNode)
              read(
                  "{\"apiVersion\":\"cluster.karmada.io/v1alpha1\",\"kind\":\"Cluster\","
                      + "\"metadata\":{\"name\":\""
                      + c[0]
                      + "\",\"labels\":{\"env\":\""
                      + c[1]
                      + "\"}},"
                      + "\"spec\":{\"syncMode\":\"Pull\"}}");
      ObjectNode created = storage.create(clusters, null, cluster, false).join();
      created.set(
          "status",
          read(
              "{\"apiEnablements\":[{\"groupVersion\":\"apps/v1\",\"resources\":"
                  + "[{\"name\":\"deployments\",\"kind\":\"Deployment\"}]}],\"conditions\":[{\"type\":"
                  + "\"CompleteAPIEnablements\",\"status\":\"True\",\"reason\":\"Complete\",\"message\":\"\","
                  + "\"lastTransitionTime\":\"2026-11-21T00:00:00Z\"}]}"));
      storage.update(clusters, null, c[0], created, true, false).join();
    }
    ResourceType deployments = storage.registry().find("apps", "v1", "deployments").orElseThrow();
    storage
        .create(
            deployments,
            "default",
            (ObjectNode)
                read(
                    "{\"metadata\":{\"name\":\"web\"},"
                        + "\"spec\":{\"replicas\":4,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{"
                        + "\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\","
                        + "\"image\":\"nginx\"}]}}}}"),
            false)
        .join();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void dryRunPolicyShowsThePlacement() throws Exception {
    Assumptions.assumeFalse(
        KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    try (KubectlRunner kubectl =
        KubectlRunner.of(
            KubectlRunner.installed().get(KubectlRunner.installed().size() - 1),
            hub.kubeconfig())) {
      String policy =
          """
          apiVersion: policy.karmada.io/v1alpha1
          kind: PropagationPolicy
          metadata: {name: web, namespace: default}
          spec:
            resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
            placement:
              clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}
              replicaScheduling: {replicaSchedulingType: Duplicated}
          """;
      KubectlRunner.Result result =
          kubectl
              .runWithInput(policy, "apply", "--dry-run=server", "-o", "json", "-f", "-")
              .assertOk();
      JsonNode preview =
          Json.MAPPER.readTree(result.stdout()).path("status").path("placementPreview");
      assertEquals(3, preview.path("clusters").asInt(), result.stdout());
      JsonNode template = preview.path("templates").path(0);
      assertEquals("web", template.path("resource").path("name").asText(), result.stdout());
      assertTrue(template.path("scheduled").asBoolean(), result.stdout());
      List<String> chosen = new java.util.ArrayList<>();
      template.path("clusters").forEach(c -> chosen.add(c.path("name").asText()));
      assertEquals(List.of("member1", "member3"), chosen.stream().sorted().toList());
      assertEquals("member2", template.path("filtered").path(0).path("cluster").asText());
      assertTrue(template.path("filtered").path(0).path("reason").asText().length() > 0);
      kubectl.run("get", "propagationpolicies", "-n", "default", "-o", "name").assertOk();
      assertEquals(
          "",
          kubectl.run("get", "propagationpolicies", "-n", "default", "-o", "name").stdout().trim(),
          "a dry run stores nothing");
    }
  }

  private static JsonNode read(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
