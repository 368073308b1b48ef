package dev.flotilla.bench;

import dev.flotilla.policies.names.Names;
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
 * Where a template's distribution time goes, from the benchmark's own watches: on the hub, its
 * binding (created, then scheduled, then its aggregated status all applied) and its Works (written,
 * then status Applied); in each member, the object. Per (template, cluster) the stages up to the
 * member add up to the end-to-end latency, so the slowest pairs show which stage holds the tail.
 * Each stage includes one watch delivery to this process, the same hop for all of them.
 */
final class DistributionStages implements AutoCloseable {
  /** Nanosecond timestamps of one template; 0 until seen. */
  private static final class Timeline {
    volatile long created;
    volatile long bound;
    volatile long scheduled;
    volatile long aggregated;

    /** Per cluster: Work written, object in member, Work status Applied. */
    final Map<String, long[]> clusters = new ConcurrentHashMap<>();

    long[] of(String cluster) {
      return clusters.computeIfAbsent(cluster, c -> new long[3]);
    }
  }

  private static final int WORK = 0;
  private static final int MEMBER = 1;
  private static final int STATUS = 2;

  private final String prefix;
  private final int clusters;
  private final Map<String, Timeline> templates = new ConcurrentHashMap<>();
  private final List<Watch> watches = new ArrayList<>();

  /** Taps the hub for templates named {@code prefix}* propagated to {@code clusters} clusters. */
  DistributionStages(KubernetesClient hub, String namespace, String prefix, int clusters) {
    this.prefix = prefix;
    this.clusters = clusters;
    watches.add(
        hub.genericKubernetesResources("work.karmada.io/v1alpha2", "ResourceBinding")
            .inNamespace(namespace)
            .watch(watcher(this::onBinding)));
    watches.add(
        hub.genericKubernetesResources("work.karmada.io/v1alpha1", "Work")
            .inAnyNamespace()
            .watch(watcher(this::onWork)));
  }

  private static Watcher<GenericKubernetesResource> watcher(
      java.util.function.BiConsumer<GenericKubernetesResource, Long> onEvent) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource r) {
        if (action == Action.ADDED || action == Action.MODIFIED) {
          onEvent.accept(r, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  void created(String template, long nanos) {
    templates.computeIfAbsent(template, t -> new Timeline()).created = nanos;
  }

  void inMember(String template, String cluster, long nanos) {
    Timeline t = templates.get(template);
    if (t != null) {
      setOnce(t.of(cluster), MEMBER, nanos);
    }
  }

  private void onBinding(GenericKubernetesResource b, long now) {
    String name = b.getMetadata().getName();
    if (!name.startsWith(prefix) || name.lastIndexOf('-') < 0) {
      return;
    }
    Timeline t = templates.get(name.substring(0, name.lastIndexOf('-')));
    if (t == null) {
      return;
    }
    if (t.bound == 0) {
      t.bound = now;
    }
    Map<?, ?> spec = map(b.getAdditionalProperties().get("spec"));
    if (t.scheduled == 0 && spec.get("clusters") instanceof List<?> l && !l.isEmpty()) {
      t.scheduled = now;
    }
    Map<?, ?> status = map(b.getAdditionalProperties().get("status"));
    if (t.aggregated == 0
        && status.get("aggregatedStatus") instanceof List<?> items
        && items.size() >= clusters
        && items.stream().allMatch(i -> Boolean.TRUE.equals(map(i).get("applied")))) {
      t.aggregated = now;
    }
  }

  private void onWork(GenericKubernetesResource w, long now) {
    String name = w.getMetadata().getName();
    String ns = w.getMetadata().getNamespace();
    if (!name.startsWith(prefix)
        || name.lastIndexOf('-') < 0
        || !ns.startsWith(Names.EXECUTION_NAMESPACE_PREFIX)) {
      return;
    }
    Timeline t = templates.get(name.substring(0, name.lastIndexOf('-')));
    if (t == null) {
      return;
    }
    long[] at = t.of(ns.substring(Names.EXECUTION_NAMESPACE_PREFIX.length()));
    setOnce(at, WORK, now);
    if (map(w.getAdditionalProperties().get("status")).get("conditions") instanceof List<?> cs
        && cs.stream()
            .anyMatch(
                c -> "Applied".equals(map(c).get("type")) && "True".equals(map(c).get("status")))) {
      setOnce(at, STATUS, now);
    }
  }

  private static void setOnce(long[] at, int stage, long now) {
    synchronized (at) {
      if (at[stage] == 0) {
        at[stage] = now;
      }
    }
  }

  private static Map<?, ?> map(Object o) {
    return o instanceof Map<?, ?> m ? m : Map.of();
  }

  /** Waits (at most {@code seconds}) until every template's binding shows all clusters applied. */
  void awaitAggregated(int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline
        && templates.values().stream().anyMatch(t -> t.aggregated == 0)) {
      Thread.sleep(100);
    }
  }

  /** The stage lines: percentiles per stage, then what the slowest pairs spent in each stage. */
  List<String> report() {
    Percentiles detector = new Percentiles();
    Percentiles scheduler = new Percentiles();
    Percentiles works = new Percentiles();
    Percentiles fanOut = new Percentiles();
    Percentiles agent = new Percentiles();
    Percentiles status = new Percentiles();
    Percentiles aggregate = new Percentiles();
    List<long[]> pairs = new ArrayList<>(); // end-to-end, then the four stages up to the member
    int incomplete = 0;
    for (Timeline t : templates.values()) {
      if (t.created == 0 || t.bound == 0 || t.scheduled == 0) {
        incomplete++;
        continue;
      }
      detector.add(Math.max(0, t.bound - t.created));
      scheduler.add(Math.max(0, t.scheduled - t.bound));
      long firstWork = Long.MAX_VALUE;
      long lastWork = 0;
      long lastStatus = 0;
      for (long[] at : t.clusters.values()) {
        if (at[WORK] == 0 || at[MEMBER] == 0) {
          incomplete++;
          continue;
        }
        firstWork = Math.min(firstWork, at[WORK]);
        lastWork = Math.max(lastWork, at[WORK]);
        works.add(Math.max(0, at[WORK] - t.scheduled));
        agent.add(Math.max(0, at[MEMBER] - at[WORK]));
        if (at[STATUS] != 0) {
          status.add(Math.max(0, at[STATUS] - at[MEMBER]));
          lastStatus = Math.max(lastStatus, at[STATUS]);
        }
        pairs.add(
            new long[] {
              at[MEMBER] - t.created,
              t.bound - t.created,
              t.scheduled - t.bound,
              at[WORK] - t.scheduled,
              at[MEMBER] - at[WORK]
            });
      }
      if (lastWork > 0) {
        fanOut.add(lastWork - firstWork);
      }
      if (t.aggregated != 0 && lastStatus != 0) {
        aggregate.add(Math.max(0, t.aggregated - lastStatus));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("stages (bench watches; each includes one watch delivery):");
    lines.add("  detector, created -> binding: " + detector.summary());
    lines.add("  scheduler, binding -> scheduled: " + scheduler.summary());
    lines.add("  binding controller, scheduled -> Work written: " + works.summary());
    lines.add("  first to last Work of a template: " + fanOut.summary());
    lines.add("  agent, Work written -> object in member: " + agent.summary());
    lines.add("  agent, object in member -> Work status Applied: " + status.summary());
    lines.add(
        "  binding controller, last Work status -> all applied in binding: " + aggregate.summary());
    lines.add("  last member of each template, in creation order: " + lastByTemplate());
    pairs.sort((a, b) -> Long.compare(b[0], a[0]));
    lines.add("  slowest 1% of pairs: " + split(pairs, Math.max(1, pairs.size() / 100)));
    lines.add("  slowest 10% of pairs: " + split(pairs, Math.max(1, pairs.size() / 10)));
    lines.add(
        "  median pair: "
            + split(
                pairs.subList(pairs.size() / 2, Math.min(pairs.size(), pairs.size() / 2 + 1)), 1)
            + (incomplete > 0 ? "; " + incomplete + " incomplete timelines left out" : ""));
    return lines;
  }

  /**
   * Created -> object in its last member, per template in creation order: whether the slowest pairs
   * are spread over the phase or all belong to its first templates (run while both JVMs still
   * compile the code they run; the paced phase is each run's first work).
   */
  private String lastByTemplate() {
    StringBuilder sb = new StringBuilder();
    templates.values().stream()
        .filter(t -> t.created != 0)
        .sorted(java.util.Comparator.comparingLong(t -> t.created))
        .forEach(
            t -> {
              long last = 0;
              for (long[] at : t.clusters.values()) {
                last = Math.max(last, at[MEMBER]);
              }
              sb.append(sb.length() == 0 ? "" : ", ")
                  .append(last == 0 ? "-" : String.format("%.0f", (last - t.created) / 1e6));
            });
    return sb + " ms";
  }

  /** Mean of each stage over the first {@code n} of {@code pairs} (sorted slowest first). */
  private static String split(List<long[]> pairs, int n) {
    if (pairs.isEmpty()) {
      return "none";
    }
    double[] sum = new double[5];
    for (int i = 0; i < n && i < pairs.size(); i++) {
      for (int s = 0; s < 5; s++) {
        sum[s] += pairs.get(i)[s];
      }
    }
    int k = Math.min(n, pairs.size());
    return String.format(
        "end-to-end %.0f ms = detector %.0f + scheduler %.0f + Work written %.0f + agent %.0f ms"
            + " (n=%d)",
        sum[0] / k / 1e6,
        sum[1] / k / 1e6,
        sum[2] / k / 1e6,
        sum[3] / k / 1e6,
        sum[4] / k / 1e6,
        k);
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }
}
