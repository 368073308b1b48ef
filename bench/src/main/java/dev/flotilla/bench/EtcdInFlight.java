package dev.flotilla.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many writes etcd held at once during a phase: every 250 ms, its unary gRPC calls started less
 * those handled (etcd's own {@code grpc_server_started_total} and {@code grpc_server_handled_total}
 * counters), averaged. etcd batches the writes that arrive while its WAL fsyncs, so fewer in flight
 * means fewer writes per fsync; the raw baseline keeps {@code threads} in flight by construction,
 * and this shows how many of the hub's creates reach etcd at once against that.
 */
final class EtcdInFlight implements AutoCloseable {
  private static final Pattern UNARY =
      Pattern.compile(
          "^grpc_server_(started|handled)_total\\{([^}]*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);

  private final URI metrics;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Thread sampler;
  private volatile boolean stop;
  private long samples;
  private double sum;
  private int most;

  private EtcdInFlight(URI clientUrl) {
    this.metrics = clientUrl.resolve("/metrics");
    this.sampler = new Thread(this::sample, "etcd-in-flight");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Starts sampling etcd at {@code clientUrl}. */
  static EtcdInFlight start(URI clientUrl) {
    return new EtcdInFlight(clientUrl);
  }

  private void sample() {
    while (!stop) {
      try {
        int now = inFlight();
        synchronized (this) {
          samples++;
          sum += now;
          most = Math.max(most, now);
        }
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        return; // etcd went away: the phase is over
      }
    }
  }

  private int inFlight() throws Exception {
    String body =
        http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
            .body();
    double started = 0;
    double handled = 0;
    Matcher m = UNARY.matcher(body);
    while (m.find()) {
      if (!m.group(2).contains("grpc_type=\"unary\"")) {
        continue; // the watch stream is started and never handled while it runs
      }
      if ("started".equals(m.group(1))) {
        started += Double.parseDouble(m.group(3));
      } else {
        handled += Double.parseDouble(m.group(3));
      }
    }
    return (int) (started - handled);
  }

  /** Stops sampling and prints the mean and the most held at once. */
  void print(String label) throws InterruptedException {
    stop = true;
    sampler.interrupt();
    sampler.join();
    synchronized (this) {
      System.out.printf(
          "%-9s etcd unary calls in flight (sampled every 250 ms): mean %.1f, most %d, %d samples%n",
          label, samples == 0 ? 0 : sum / samples, most, samples);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    sampler.interrupt();
    sampler.join();
  }
}
