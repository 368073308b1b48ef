package dev.flotilla.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every change of a member Cluster's Ready condition on the hub while the benchmark runs: the MCS
 * controller withdraws the endpoints of a cluster that is not Ready and re-merges every service it
 * exports when it flips, so a flapping member shows up in both latency and correctness.
 */
final class ReadinessTap implements AutoCloseable {
  private final Map<String, String> last = new ConcurrentHashMap<>();
  private final List<String> flips = new ArrayList<>();
  private final Watch watch;

  ReadinessTap(KubernetesClient hub) {
    this.watch =
        hub.genericKubernetesResources(FleetUnderTest.CLUSTERS)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource c) {
                    String name = c.getMetadata().getName();
                    String ready = action == Action.DELETED ? "Deleted" : ready(c);
                    String before = last.put(name, ready);
                    if (before != null && !before.equals(ready)) {
                      synchronized (flips) {
                        flips.add(name + " " + before + "->" + ready);
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
  }

  private static String ready(GenericKubernetesResource c) {
    if (c.getAdditionalProperties().get("status") instanceof Map<?, ?> status
        && status.get("conditions") instanceof List<?> conditions) {
      for (Object o : conditions) {
        if (o instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
          return String.valueOf(m.get("status"));
        }
      }
    }
    return "Unset";
  }

  /** The flips so far, oldest first, and forgets them. */
  List<String> drain() {
    synchronized (flips) {
      List<String> out = new ArrayList<>(flips);
      flips.clear();
      return out;
    }
  }

  @Override
  public void close() {
    watch.close();
  }
}
