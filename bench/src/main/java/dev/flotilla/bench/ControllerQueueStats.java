package dev.flotilla.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One hub controller's workqueue metrics between two scrapes of {@code /metrics/controllers}: queue
 * wait and reconcile time as percentiles of the histogram buckets' difference (interpolated within
 * a bucket, as Prometheus' histogram_quantile does), reconciles and retries. Pure.
 */
record ControllerQueueStats(
    Map<Double, Double> waitBuckets,
    Map<Double, Double> workBuckets,
    double reconciles,
    double retries) {

  private static final Pattern SAMPLE =
      Pattern.compile("^(workqueue_[a-z_]+)\\{([^}]*)\\} (\\S+)$");
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  /** The controller's figures in one scrape (cumulative since the hub started). */
  static ControllerQueueStats parse(String metrics, String controller) {
    Map<Double, Double> wait = new TreeMap<>();
    Map<Double, Double> work = new TreeMap<>();
    double reconciles = 0;
    double retries = 0;
    for (String line : metrics.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches() || !m.group(2).contains("name=\"" + controller + "\"")) {
        continue;
      }
      double value = Double.parseDouble(m.group(3));
      Matcher le = LE.matcher(m.group(2));
      switch (m.group(1)) {
        case "workqueue_queue_duration_seconds_bucket" -> {
          if (le.find()) {
            wait.put(bound(le.group(1)), value);
          }
        }
        case "workqueue_work_duration_seconds_bucket" -> {
          if (le.find()) {
            work.put(bound(le.group(1)), value);
          }
        }
        case "workqueue_work_duration_seconds_count" -> reconciles = value;
        case "workqueue_retries_total" -> retries = value;
        default -> {}
      }
    }
    return new ControllerQueueStats(wait, work, reconciles, retries);
  }

  private static double bound(String le) {
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  /** What happened between {@code before} and this scrape. */
  ControllerQueueStats since(ControllerQueueStats before) {
    return new ControllerQueueStats(
        minus(waitBuckets, before.waitBuckets),
        minus(workBuckets, before.workBuckets),
        reconciles - before.reconciles,
        retries - before.retries);
  }

  private static Map<Double, Double> minus(Map<Double, Double> a, Map<Double, Double> b) {
    Map<Double, Double> out = new TreeMap<>();
    a.forEach((le, v) -> out.put(le, v - b.getOrDefault(le, 0.0)));
    return out;
  }

  /** The p-th percentile in milliseconds of cumulative buckets (upper bound to count). */
  static double percentileMillis(Map<Double, Double> cumulative, double p) {
    double total = 0;
    for (double v : cumulative.values()) {
      total = Math.max(total, v);
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = p / 100 * total;
    double lower = 0;
    double below = 0;
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        if (e.getKey().isInfinite()) {
          return lower * 1000; // beyond the last bucket: its bound is all we know
        }
        double inBucket = e.getValue() - below;
        double fraction = inBucket == 0 ? 1 : (rank - below) / inBucket;
        return (lower + (e.getKey() - lower) * fraction) * 1000;
      }
      lower = e.getKey();
      below = e.getValue();
    }
    return lower * 1000;
  }

  String summary() {
    return String.format(
        "queue wait p50 %.1f ms, p90 %.1f ms, p99 %.1f ms; reconcile p50 %.1f ms, p90 %.1f ms,"
            + " p99 %.1f ms (%.0f reconciles, %.0f retried after a failure)",
        percentileMillis(waitBuckets, 50),
        percentileMillis(waitBuckets, 90),
        percentileMillis(waitBuckets, 99),
        percentileMillis(workBuckets, 50),
        percentileMillis(workBuckets, 90),
        percentileMillis(workBuckets, 99),
        reconciles,
        retries);
  }
}
