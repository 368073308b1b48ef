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
  private int alreadyThere;
  private long lastProviderChange;

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
    lastProviderChange = nanos;
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

  /** When a provider's slice content last changed while measuring (System.nanoTime). */
  synchronized long lastProviderChange() {
    return lastProviderChange;
  }

  /** A (consumer, service, provider) whose consumer does not hold the provider's final content. */
  record Lost(
      String consumer,
      String service,
      String provider,
      List<String> pending,
      String providerNow,
      String consumerNow) {}

  /**
   * Settles what is still pending once the providers have stopped changing: a pair whose consumer
   * already holds the provider's final content completed without a consumer write (the provider
   * went back to content the consumer had, so applying it changed nothing) and is cleared; every
   * other pending version never arrived and is returned.
   */
  synchronized List<Lost> settle() {
    List<Lost> lost = new java.util.ArrayList<>();
    for (Map.Entry<String, ArrayDeque<Version>> e : pending.entrySet()) {
      ArrayDeque<Version> queue = e.getValue();
      if (queue.isEmpty()) {
        continue;
      }
      String[] k = e.getKey().split("\\|", -1);
      String providerNow = providerContent.getOrDefault(k[1], Map.of()).get(k[2]);
      String consumerNow = consumerContent.get(e.getKey());
      if (providerNow != null && providerNow.equals(consumerNow)) {
        alreadyThere += queue.size();
        pendingPerService.merge(k[1], -queue.size(), Integer::sum);
        queue.clear();
        continue;
      }
      List<String> contents = new java.util.ArrayList<>();
      queue.forEach(v -> contents.add(v.content()));
      lost.add(new Lost(k[0], k[1], k[2], contents, providerNow, consumerNow));
    }
    return lost;
  }

  /** Versions {@link #settle} found completed although the consumer never wrote them. */
  synchronized int alreadyThere() {
    return alreadyThere;
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
