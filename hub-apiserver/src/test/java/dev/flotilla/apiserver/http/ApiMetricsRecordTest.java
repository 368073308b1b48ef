package dev.flotilla.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Request counts and durations, with their meters looked up once per key. */
class ApiMetricsRecordTest {
  @Test
  void everyRequestIsCountedUnderItsOwnVerbResourceAndCode() {
    ApiMetrics metrics = new ApiMetrics(() -> 1, () -> 0);
    long started = System.nanoTime();
    metrics.record("create", "configmaps", 201, started);
    metrics.record("create", "configmaps", 201, started);
    metrics.record("create", "configmaps", 409, started);
    metrics.record("get", "secrets", 200, started);
    String text = metrics.scrape();
    assertTrue(
        text.contains(
            "apiserver_request_total{code=\"201\",resource=\"configmaps\",verb=\"create\"} 2.0"),
        text);
    assertTrue(
        text.contains(
            "apiserver_request_total{code=\"409\",resource=\"configmaps\",verb=\"create\"} 1.0"),
        text);
    assertTrue(
        text.contains(
            "apiserver_request_total{code=\"200\",resource=\"secrets\",verb=\"get\"} 1.0"),
        text);
    assertTrue(text.contains("apiserver_request_duration_seconds_count{verb=\"create\"} 3"), text);
    assertTrue(text.contains("apiserver_request_duration_seconds_count{verb=\"get\"} 1"), text);
  }
}
