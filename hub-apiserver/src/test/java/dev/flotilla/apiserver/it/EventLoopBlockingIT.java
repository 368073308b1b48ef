package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.ServerRuntime;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No event loop blocks: under a load of creates, updates, lists, label-selected watches, /metrics
 * scrapes and megabyte-sized server-side applies (parsed as YAML), Vert.x's blocked-thread checker,
 * set to 100 ms, must report no loop held by code (computing for half that, or waiting). A report
 * of a loop the operating system left unscheduled on a crowded machine is shown, not counted. The
 * checker is shown to work by blocking a loop on purpose.
 */
class EventLoopBlockingIT {
  private static final long MAX_LOOP_MILLIS = 100;

  private final List<BlockedThreadEvent> blocked = new CopyOnWriteArrayList<>();
  private final List<String> stacks = new CopyOnWriteArrayList<>();
  private final List<String> unscheduled = new CopyOnWriteArrayList<>();
  private LoopCpuSampler cpu;
  private ServerRuntime runtime;
  private TestHub hub;

  @BeforeEach
  void start() {
    cpu = new LoopCpuSampler();
    runtime = ServerRuntime.create(2, 4, MAX_LOOP_MILLIS);
    runtime.onBlockedEventLoop(
        e -> {
          String where =
              e.thread().getName()
                  + " "
                  + e.thread().getState()
                  + " for "
                  + e.duration() / 1_000_000
                  + " ms at "
                  + e.thread().getStackTrace()[0];
          if (!cpu.heldByCode(e.thread(), e.duration(), e.maxExecTime() / 2)) {
            unscheduled.add(where);
            return;
          }
          blocked.add(e);
          stacks.add(
              e.thread().getName()
                  + " blocked "
                  + e.duration() / 1_000_000
                  + " ms at\n  "
                  + Arrays.stream(e.thread().getStackTrace())
                      .limit(60)
                      .map(String::valueOf)
                      .collect(Collectors.joining("\n  ")));
        });
    hub = TestHub.start(new HubServer.Hosting(runtime, false));
  }

  @AfterEach
  void stop() {
    hub.close();
    runtime.close();
    cpu.close();
    if (!unscheduled.isEmpty()) {
      System.out.println(
          "event loops runnable but not scheduled by the OS (not counted):\n  "
              + String.join("\n  ", unscheduled));
    }
  }

  @Test
  void theCheckerReportsALoopBlockedOnPurpose() throws Exception {
    runtime
        .vertx()
        .runOnContext(
            v -> {
              try {
                Thread.sleep(4 * MAX_LOOP_MILLIS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Fabric8Support.await("a blocked-loop report", () -> !blocked.isEmpty());
    assertTrue(blocked.get(0).thread().getName().contains("eventloop"));
  }

  @Test
  void noLoopBlocksUnderLoadWithMegabyteApplies() throws Exception {
    try (KubernetesClient client = hub.client()) {
      String ns = Fabric8Support.newNamespace(client, "loops");
      AtomicInteger events = new AtomicInteger();
      Watch selected =
          client
              .configMaps()
              .inNamespace(ns)
              .withLabel("size", "big")
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap cm) {
                      events.incrementAndGet();
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      ExecutorService load = Executors.newFixedThreadPool(6);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int thread = t;
        running.add(
            load.submit(
                () -> {
                  for (int i = 0; i < 4; i++) {
                    // fabric8 sends application/apply-patch+yaml: the server parses it as YAML.
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .resource(bigConfigMap("big-" + thread + "-" + i, 1024 * 1024))
                        .fieldManager("loops")
                        .forceConflicts()
                        .serverSideApply();
                  }
                  return null;
                }));
      }
      for (int t = 0; t < 3; t++) {
        int thread = t;
        running.add(
            load.submit(
                () -> {
                  for (int i = 0; i < 60; i++) {
                    String name = "small-" + thread + "-" + i;
                    client.configMaps().inNamespace(ns).resource(smallConfigMap(name)).create();
                    client
                        .configMaps()
                        .inNamespace(ns)
                        .withName(name)
                        .edit(cm -> new ConfigMapBuilder(cm).addToData("n", "2").build());
                    client.configMaps().inNamespace(ns).list();
                  }
                  return null;
                }));
      }
      running.add(
          load.submit(
              () -> {
                for (int i = 0; i < 20; i++) {
                  Fabric8Support.raw(client, "GET", "/metrics");
                  client.configMaps().inAnyNamespace().list();
                }
                return null;
              }));
      for (Future<?> f : running) {
        f.get(5, TimeUnit.MINUTES);
      }
      load.shutdown();
      Fabric8Support.await(
          "the label-selected watch to see the big applies", () -> events.get() >= 8);
      selected.close();
      assertEquals(
          8, client.configMaps().inNamespace(ns).withLabel("size", "big").list().getItems().size());
    }
    assertTrue(
        blocked.isEmpty(),
        () ->
            "event loops blocked longer than "
                + MAX_LOOP_MILLIS
                + " ms:\n"
                + String.join("\n", stacks));
  }

  /**
   * The CSR admission parses the x509 request in spec.request; admission runs where the write is
   * served, which must be a worker: this records the thread the admission chain runs on for a CSR.
   */
  @Test
  void csrAdmissionRunsOnAWorker() {
    List<String> threads = new CopyOnWriteArrayList<>();
    hub.server()
        .storage()
        .addAdmission(
            a -> {
              if (a.type().plural().equals("certificatesigningrequests")) {
                threads.add(
                    Thread.currentThread().getName()
                        + (io.vertx.core.Context.isOnEventLoopThread() ? " (event loop)" : ""));
              }
            });
    try (KubernetesClient client = hub.client()) {
      String manifest =
          CsrFixtures.of("loop-check", List.of("team"))
              .manifest(
                  "loop-check",
                  "kubernetes.io/kube-apiserver-client",
                  List.of("client auth"),
                  3600);
      client
          .resource(
              new java.io.ByteArrayInputStream(
                  manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
          .create();
    }
    assertTrue(!threads.isEmpty(), "the admission chain saw the CSR");
    assertTrue(
        threads.stream().noneMatch(t -> t.endsWith("(event loop)")),
        "CSR admission ran on an event loop: " + threads);
  }

  /** About {@code bytes} of data in many keys: the shape that makes parsing slow. */
  private static ConfigMap bigConfigMap(String name, int bytes) {
    Map<String, String> data = new java.util.TreeMap<>();
    for (int k = 0; k * 512 < bytes; k++) {
      data.put("key-" + k, "v".repeat(500));
    }
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("size", "big"))
        .endMetadata()
        .withData(data)
        .build();
  }

  private static ConfigMap smallConfigMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withData(Map.of("n", "1"))
        .build();
  }
}
