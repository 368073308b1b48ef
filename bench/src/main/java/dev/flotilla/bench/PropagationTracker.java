package dev.flotilla.bench;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Pairs provider EndpointSlice writes with the consumer writes that reflect them. Every change of a
 * provider slice's content while measuring becomes one pending version per consumer of that
 * service; a consumer's derived slice reaching that content, or a later one (an agent may coalesce
 * intermediate versions), completes it with the time between the two store commits. Pure: callers
 * pass the timestamps.
 */
final class PropagationTracker {
  private record Version(long nanos, String content) {}

  private final Map<String, List<String>> consumersOf;
  private final Map<String, Map<String, String>> providerContent = new HashMap<>();
  private final Map<String, String> consumerContent = new HashMap<>();
  private final Map<String, ArrayDeque<Version>> pending = new HashMap<>();
  private final Map<String, Integer> pendingPerService = new HashMap<>();
  private final Percentiles latency = new Percentiles();
  private boolean measuring;
  private int versions;
  private int superseded;

  /** {@code consumersOf}: service key (ns/name) to the names of the clusters importing it. */
  PropagationTracker(Map<String, List<String>> consumersOf) {
    this.consumersOf = Map.copyOf(consumersOf);
  }

  synchronized void startMeasuring() {
    measuring = true;
  }

  /** A provider's own slice for {@code service} now holds {@code content}. */
  synchronized void providerWrote(String provider, String service, String content, long nanos) {
    String previous =
        providerContent.computeIfAbsent(service, k -> new HashMap<>()).put(provider, content);
    if (!measuring || content.equals(previous)) {
      return;
    }
    for (String consumer : consumersOf.getOrDefault(service, List.of())) {
      String key = consumer + "|" + service + "|" + provider;
      pending.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Version(nanos, content));
      pendingPerService.merge(service, 1, Integer::sum);
      versions++;
    }
  }

  /** A consumer's derived slice of {@code service} from {@code provider} holds {@code content}. */
  synchronized void consumerWrote(
      String consumer, String service, String provider, String content, long nanos) {
    String key = consumer + "|" + service + "|" + provider;
    consumerContent.put(key, content);
    ArrayDeque<Version> queue = pending.get(key);
    if (queue == null || queue.isEmpty()) {
      return;
    }
    int matchedUpTo = -1;
    int i = 0;
    for (Version v : queue) {
      if (v.content().equals(content)) {
        matchedUpTo = i;
      }
      i++;
    }
    Iterator<Version> it = queue.iterator();
    for (int j = 0; j <= matchedUpTo; j++) {
      Version v = it.next();
      it.remove();
      latency.add(Math.max(0, nanos - v.nanos()));
      if (j < matchedUpTo) {
        superseded++;
      }
      pendingPerService.merge(service, -1, Integer::sum);
    }
  }

  /** True while some consumer has not yet caught up with a measured change of the service. */
  synchronized boolean busy(String service) {
    return pendingPerService.getOrDefault(service, 0) > 0;
  }

  synchronized int outstanding() {
    int n = 0;
    for (ArrayDeque<Version> q : pending.values()) {
      n += q.size();
    }
    return n;
  }

  /** Consumer/provider pairs whose derived slice equals the provider's non-empty slice. */
  synchronized int converged() {
    int n = 0;
    for (Map.Entry<String, List<String>> e : consumersOf.entrySet()) {
      for (Map.Entry<String, String> p :
          providerContent.getOrDefault(e.getKey(), Map.of()).entrySet()) {
        if (p.getValue().isEmpty()) {
          continue;
        }
        for (String consumer : e.getValue()) {
          String key = consumer + "|" + e.getKey() + "|" + p.getKey();
          if (p.getValue().equals(consumerContent.get(key))) {
            n++;
          }
        }
      }
    }
    return n;
  }

  Percentiles latency() {
    return latency;
  }

  synchronized int versions() {
    return versions;
  }

  /** Versions completed by a later one because the pipeline skipped them (coalesced). */
  synchronized int superseded() {
    return superseded;
  }
}
