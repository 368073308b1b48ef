package dev.flotilla.controller.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A hub that has not answered an Event write yet does not hold up a reconcile recording on the same
 * series: the recording counts its event and returns while the write is still at the hub. The hub
 * here is a plain HTTP server that answers the write only when the test lets it.
 */
class EventWriteStallIT {
  private HttpServer hub;
  private KubernetesClient client;
  private final CountDownLatch atHub = new CountDownLatch(1);
  private final CountDownLatch answer = new CountDownLatch(1);
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();

  @BeforeEach
  void startHub() throws IOException {
    hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hub.setExecutor(Executors.newCachedThreadPool());
    hub.createContext("/", this::serve);
    hub.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + hub.getAddress().getPort())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    answer.countDown();
    writer.shutdown();
    writer.awaitTermination(30, TimeUnit.SECONDS);
    client.close();
    hub.stop(0);
  }

  /** Echoes the Event written, once the test lets the answer go. */
  private void serve(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    requests.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
    atHub.countDown();
    try {
      answer.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(201, body.length);
    ex.getResponseBody().write(body);
    ex.close();
  }

  @Test
  void aRepeatRecordedWhileTheWriteIsAtTheHubDoesNotWaitForIt() throws Exception {
    EventSeries series = new EventSeries(System::nanoTime);
    EventRecorder recorder = new EventRecorder(client, "test-controller", series, writer);
    EventRecorder.Ref ref = new EventRecorder.Ref("v1", "ConfigMap", "default", "slow", "u-1");
    recorder.record(ref, "Normal", "SyncWorkSucceed", "first");
    assertTrue(atHub.await(60, TimeUnit.SECONDS), "the create never reached the hub");

    Thread repeat =
        new Thread(() -> recorder.record(ref, "Normal", "SyncWorkSucceed", "second"), "reconcile");
    repeat.start();
    // Either it ends, or it waits (on a monitor, or a lock or future) for the writer's request:
    // the hub holds its answer, so a repeat still running after a minute is waiting for it.
    repeat.join(60_000);
    Thread.State state = repeat.getState();
    answer.countDown(); // first, so a failing run does not leave the writer hanging
    assertEquals(Thread.State.TERMINATED, state, "the repeat waited for the hub's answer");

    writer.shutdown();
    assertTrue(writer.awaitTermination(30, TimeUnit.SECONDS));
    assertEquals(List.of("POST /api/v1/namespaces/default/events"), requests);
    EventSeries.Entry e = series.existing(ref.key(), "SyncWorkSucceed");
    synchronized (e) {
      assertEquals(2, e.count);
      assertEquals(1, e.written, "the create wrote the first; the repeat waits for its interval");
      assertTrue(e.flushDue, "a flush is due for the repeat");
      assertEquals("second", e.message);
    }
  }
}
