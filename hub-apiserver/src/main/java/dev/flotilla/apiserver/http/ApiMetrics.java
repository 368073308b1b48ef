package dev.flotilla.apiserver.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Request and watch metrics in Prometheus text format, named after kube-apiserver's. */
public final class ApiMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger watchers = new AtomicInteger();
  private final AtomicInteger listStreams = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong listStreamBytes =
      new java.util.concurrent.atomic.AtomicLong();
  // Micrometer holds what it measures weakly: these fields keep the suppliers (method references
  // nothing else holds) alive, or the gauges read NaN after the first GC.
  private final Supplier<Number> storeRevision;
  private final Supplier<Number> blockedEventLoops;
  private Supplier<long[]> storeFigures;

  public ApiMetrics(Supplier<Number> storeRevision, Supplier<Number> blockedEventLoops) {
    this.storeRevision = storeRevision;
    this.blockedEventLoops = blockedEventLoops;
    Gauge.builder("apiserver_registered_watchers", watchers, AtomicInteger::get)
        .description("Open watch streams")
        .register(registry);
    Gauge.builder("flotilla_store_revision", storeRevision, s -> s.get().doubleValue())
        .description("Newest store revision")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_event_loop_blocked_reports", blockedEventLoops, s -> s.get().doubleValue())
        .description("Times an event loop was seen running one task for too long")
        .register(registry);
    Gauge.builder("flotilla_list_streams", listStreams, AtomicInteger::get)
        .description("Unpaged lists being streamed now")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_list_stream_bytes",
            listStreamBytes,
            java.util.concurrent.atomic.AtomicLong::get)
        .description("Bytes of streamed lists made so far (sent, or waiting to be)")
        .register(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
    new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
  }

  /**
   * What the store holds on the heap, from a supplier of {cache bytes, cache hits, cache misses,
   * keys, window events, window bytes}.
   */
  public void storeHeap(Supplier<long[]> figures) {
    this.storeFigures = figures;
    String[] gauges = {
      "flotilla_store_cache_bytes",
      null,
      null,
      "flotilla_store_keys",
      "flotilla_store_window_events",
      "flotilla_store_window_bytes"
    };
    for (int i = 0; i < gauges.length; i++) {
      int at = i;
      if (gauges[i] != null) {
        // Strong: the supplier is a method reference nothing else holds (Micrometer holds weakly).
        Gauge.builder(gauges[i], figures, f -> f.get()[at]).register(registry);
      }
    }
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_store_cache_hits", figures, f -> f.get()[1])
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder(
            "flotilla_store_cache_misses", figures, f -> f.get()[2])
        .register(registry);
  }

  /**
   * The API workers' lanes: tasks started and the seconds they waited queued, per lane (each hop of
   * a request through the pool is a task), so a run shows which lane waited.
   */
  public void workerLanes(dev.flotilla.apiserver.concurrent.RankedWorkers workers) {
    for (int i = 0; i < dev.flotilla.apiserver.concurrent.RankedWorkers.LANES.size(); i++) {
      int rank = i;
      String lane = dev.flotilla.apiserver.concurrent.RankedWorkers.LANES.get(i);
      io.micrometer.core.instrument.FunctionCounter.builder(
              "flotilla_apiserver_worker_tasks", workers, w -> w.tasksStarted(rank))
          .tag("lane", lane)
          .description("API worker tasks started, by lane")
          .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder(
              "flotilla_apiserver_worker_queue_wait_seconds", workers, w -> w.secondsWaited(rank))
          .tag("lane", lane)
          .description("Seconds API worker tasks waited queued, by lane")
          .register(registry);
    }
  }

  void record(String verb, String resource, int code, long startedNanos) {
    // Looked up in maps of our own: building and registering a meter per request was about 1% of
    // a create's CPU. The keys are as bounded as the registry's meters.
    counters
        .computeIfAbsent(
            new RequestKey(verb, resource, code),
            k ->
                Counter.builder("apiserver_request_total")
                    .tag("verb", verb)
                    .tag("resource", resource)
                    .tag("code", Integer.toString(code))
                    .register(registry))
        .increment();
    timers
        .computeIfAbsent(
            verb,
            v ->
                Timer.builder("apiserver_request_duration_seconds")
                    .tag("verb", v)
                    .publishPercentileHistogram(false)
                    .register(registry))
        .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  private record RequestKey(String verb, String resource, int code) {}

  private final java.util.Map<RequestKey, Counter> counters =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, Timer> timers =
      new java.util.concurrent.ConcurrentHashMap<>();

  void listStreamStarted() {
    listStreams.incrementAndGet();
  }

  void listStreamEnded() {
    listStreams.decrementAndGet();
  }

  void listStreamBytes(int bytes) {
    listStreamBytes.addAndGet(bytes);
  }

  void watchOpened() {
    watchers.incrementAndGet();
  }

  void watchClosed() {
    watchers.decrementAndGet();
  }

  public String scrape() {
    return registry.scrape();
  }
}
