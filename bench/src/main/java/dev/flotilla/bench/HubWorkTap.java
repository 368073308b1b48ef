package dev.flotilla.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.policies.names.Names;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where the time goes between provider and consumer: a watch on the hub's MCS Works feeding two
 * more trackers, one for the export report Work (the agent's hop) and one for each consumer's
 * derived Work (the hub controller's hop). Hub watch delivery to this client is included.
 */
final class HubWorkTap implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PREFIX = Names.EXECUTION_NAMESPACE_PREFIX;

  private final Watch watch;

  HubWorkTap(KubernetesClient hub, PropagationTracker exported, PropagationTracker derived) {
    this.watch =
        hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inAnyNamespace()
            .withLabel("flotilla.dev/mcs-role")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource w) {
                    long now = System.nanoTime();
                    if (action != Action.ADDED && action != Action.MODIFIED) {
                      return;
                    }
                    onWork(w, now, exported, derived);
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  private static void onWork(
      GenericKubernetesResource w,
      long now,
      PropagationTracker exported,
      PropagationTracker derived) {
    Map<String, String> labels = w.getMetadata().getLabels();
    String ns = w.getMetadata().getNamespace();
    if (labels == null || !ns.startsWith(PREFIX)) {
      return;
    }
    String cluster = ns.substring(PREFIX.length());
    String service =
        labels.get("flotilla.dev/service-namespace")
            + "/"
            + labels.get("flotilla.dev/service-name");
    JsonNode manifests = MAPPER.valueToTree(w).path("spec").path("workload").path("manifests");
    switch (String.valueOf(labels.get("flotilla.dev/mcs-role"))) {
      case "export" -> {
        for (JsonNode m : manifests) {
          if ("EndpointSlice".equals(m.path("kind").asText())) {
            exported.consumerWrote("hub", service, cluster, EndpointContent.of(m), now);
          }
        }
      }
      case "derived" -> {
        Map<String, String> bySource = new HashMap<>();
        for (JsonNode m : manifests) {
          String source =
              m.path("metadata")
                  .path("labels")
                  .path("multicluster.kubernetes.io/source-cluster")
                  .asText(null);
          if ("EndpointSlice".equals(m.path("kind").asText()) && source != null) {
            bySource.put(source, EndpointContent.of(m));
          }
        }
        bySource.forEach(
            (source, content) -> derived.consumerWrote(cluster, service, source, content, now));
      }
      default -> {}
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
