package dev.flotilla.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.it.TestHub;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.fixtures.TestClients;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A hub on an ephemeral port with an admin fabric8 client and Clusters registered by hand (Ready,
 * serving ConfigMaps), for controller tests over real HTTPS; plus the probes they share.
 */
final class HubFixture implements AutoCloseable {
  private final TestHub testHub;
  final HubServer hub;
  final KubernetesClient client;
  private final HttpClient http;

  HubFixture(String... clusters) {
    testHub = TestHub.start();
    hub = testHub.server();
    client = testHub.client();
    http = TestClients.https(testHub.caCertPath());
    for (String c : clusters) {
      cluster(c);
    }
  }

  /** A Ready push-mode Cluster that serves ConfigMaps. */
  void cluster(String name) {
    String yaml =
        "apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata:\n  name: "
            + name
            + "\nspec:\n  syncMode: Push\n  apiEndpoint: https://"
            + name
            + ".example:6443\n";
    GenericKubernetesResource created =
        client
            .genericKubernetesResources(Kinds.CLUSTER)
            .load(new ByteArrayInputStream(yaml.getBytes()))
            .create();
    ObjectNode tree = Trees.tree(created);
    ObjectNode status = tree.putObject("status");
    status.put("kubernetesVersion", "v1.33.0");
    status
        .putArray("apiEnablements")
        .addObject()
        .put("groupVersion", "v1")
        .putArray("resources")
        .addObject()
        .put("name", "configmaps")
        .put("kind", "ConfigMap");
    status
        .putArray("conditions")
        .addObject()
        .put("type", "Ready")
        .put("status", "True")
        .put("reason", "ClusterReady")
        .put("lastTransitionTime", "2026-11-21T00:00:00Z")
        .put("message", "ok");
    client.genericKubernetesResources(Kinds.CLUSTER).resource(Trees.generic(tree)).updateStatus();
  }

  /** A ConfigMap in "default" and a PropagationPolicy sending it to {@code cluster}. */
  void propagate(String name, String cluster) {
    client
        .load(
            new ByteArrayInputStream(
                ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "
                        + name
                        + ", namespace: default}\ndata: {k: v}\n---\n"
                        + "apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\n"
                        + "metadata: {name: "
                        + name
                        + ", namespace: default}\nspec:\n"
                        + "  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: "
                        + name
                        + "}]\n  placement: {clusterAffinity: {clusterNames: ["
                        + cluster
                        + "]}}\n")
                    .getBytes()))
        .serverSideApply();
  }

  /**
   * The Work carrying ConfigMap {@code name} to {@code cluster}, or null. Read as plain JSON: a
   * list may hold a Work that fabric8's typed decoding refuses.
   */
  JsonNode work(String cluster, String name) {
    JsonNode list;
    try {
      list =
          Trees.MAPPER.readTree(
              client.raw(
                  "/apis/work.karmada.io/v1alpha1/namespaces/karmada-es-" + cluster + "/works"));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    for (JsonNode w : list.path("items")) {
      JsonNode m = w.path("spec").path("workload").path("manifests").path(0);
      if (name.equals(m.path("metadata").path("name").asText())
          && "ConfigMap".equals(m.path("kind").asText())) {
        return w;
      }
    }
    return null;
  }

  /** GET on the hub without a token, as a probe does. */
  HttpResponse<String> probe(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(hub.url() + path))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("GET " + path, e);
    }
  }

  @Override
  public void close() {
    testHub.close();
  }
}
