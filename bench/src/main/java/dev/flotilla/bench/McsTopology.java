package dev.flotilla.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Which clusters export and import each benchmark service: every service is exported by one
 * cluster, every second service by a second one too (1.5 on average), and imported by two
 * consumers, every third service by a third (2.33 on average); consumers never export the same
 * service. Clusters are indexes 0..N-1; services are spread over {@code namespaces} namespaces.
 */
record McsTopology(List<Service> services) {
  private static final int[] CONSUMER_OFFSETS = {7, 31, 61, 3, 11, 17, 23, 41, 53, 1, 2, 4, 5, 6};

  /** One exported service. */
  record Service(String namespace, String name, List<Integer> providers, List<Integer> consumers) {
    String key() {
      return namespace + "/" + name;
    }
  }

  static McsTopology plan(int clusters, int services, int namespaces) {
    if (clusters < 2) {
      throw new IllegalArgumentException("MCS needs at least 2 clusters");
    }
    List<Service> out = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      List<Integer> providers = new ArrayList<>();
      providers.add(i % clusters);
      if (i % 2 == 0 && clusters > 2) {
        providers.add((i + clusters / 2) % clusters);
      }
      int wantConsumers = i % 3 == 0 ? 3 : 2;
      List<Integer> consumers = new ArrayList<>();
      for (int offset : CONSUMER_OFFSETS) {
        int c = (i + offset) % clusters;
        if (consumers.size() < wantConsumers && !providers.contains(c) && !consumers.contains(c)) {
          consumers.add(c);
        }
      }
      out.add(
          new Service(
              "mcs-bench-" + (i % namespaces),
              String.format("svc-%04d", i),
              List.copyOf(providers),
              List.copyOf(consumers)));
    }
    return new McsTopology(List.copyOf(out));
  }

  int exports() {
    return services.stream().mapToInt(s -> s.providers().size()).sum();
  }

  int imports() {
    return services.stream().mapToInt(s -> s.consumers().size()).sum();
  }

  /** (consumer, provider) pairs: each is one derived EndpointSlice set that must follow. */
  int pairs() {
    return services.stream().mapToInt(s -> s.providers().size() * s.consumers().size()).sum();
  }
}
