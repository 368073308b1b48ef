package dev.flotilla.reliability;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.ServerRuntime;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * The hub's API server in a JVM of its own, with Vert.x's blocked-thread checker at 100 ms. Prints
 * {@code PORT <n>} once serving, and for every blocked-loop report a {@code STALL} line (the loop
 * was held by code: it computed for at least half the time, or waited) or an {@code UNSCHEDULED}
 * line (runnable but barely run: the operating system, on a crowded machine, not the hub). Reports
 * before the hub serves (class loading while it binds, and while it answers its first request over
 * TLS) are not printed. A first watch is served and counted: the hub loads its classes at start.
 *
 * <p>Arguments: data directory, port (0: any free one), and optionally {@code --loop-class-loads}:
 * then every class loaded on an event loop once the hub serves is printed as a {@code LOOP-CLASS
 * <thread> <class>} line (JFR's jdk.ClassLoad), with a {@code CLASSLOAD-FLUSH} line after each
 * batch of such events is delivered.
 */
public final class HubMain {
  static final long MAX_LOOP_MILLIS = 100;

  private static volatile boolean serving;

  private HubMain() {}

  public static void main(String[] args) throws Exception {
    ServerRuntime runtime = ServerRuntime.create(2, 4, MAX_LOOP_MILLIS);
    LoopCpu cpu = new LoopCpu();
    runtime.onBlockedEventLoop(
        e -> {
          if (!serving) {
            return; // the start (class loading, binding) is not serving; the suite measures serving
          }
          StackTraceElement[] stack = e.thread().getStackTrace();
          // A loop found back in its selector finished the task between the check and the look.
          boolean idle = stack.length > 0 && stack[0].getClassName().equals("sun.nio.ch.EPoll");
          boolean held = !idle && cpu.heldByCode(e.thread(), e.duration() / 2);
          StringBuilder line =
              new StringBuilder(held ? "STALL " : "UNSCHEDULED ")
                  .append(e.thread().getName())
                  .append(' ')
                  .append(e.duration() / 1_000_000)
                  .append(" ms");
          if (held) {
            for (StackTraceElement s : stack) {
              line.append(" | ").append(s);
            }
          }
          System.out.println(line);
        });
    HubServer hub =
        HubServer.create(
                HubConfig.of(Path.of(args[0]), Integer.parseInt(args[1])),
                new HubServer.Hosting(runtime, false))
            .start();
    hub.writeKubeconfig(List.of());
    firstRequest(hub.port(), Path.of(args[0]));
    if (args.length > 2 && args[2].equals("--loop-class-loads")) {
      printLoopClassLoads();
    }
    serving = true;
    System.out.println("PORT " + hub.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  /**
   * Answers one request before the suite measures: a JVM's first TLS handshake and HTTP request
   * load their classes on the event loop that takes them (350 ms of a loop's CPU at load 50), a
   * one-time start-up cost like the class loading while the hub binds, which is not counted either.
   */
  private static void firstRequest(int port, Path dataDir) throws Exception {
    Config config =
        new ConfigBuilder()
            .withMasterUrl("https://127.0.0.1:" + port)
            .withCaCertFile(dataDir.resolve("pki/ca.crt").toString())
            .withOauthToken(Files.readString(dataDir.resolve("admin.token")).trim())
            .withRequestTimeout(60_000)
            .withConnectionTimeout(60_000)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      client.configMaps().inNamespace("default").list();
    }
  }

  /** Prints each class loaded on an event loop from now on (see the class comment). */
  private static void printLoopClassLoads() {
    RecordingStream classLoads = new RecordingStream();
    classLoads.enable("jdk.ClassLoad").withoutThreshold().withoutStackTrace();
    classLoads.onEvent(
        "jdk.ClassLoad",
        e -> {
          RecordedThread t = e.getThread();
          String thread = t == null ? "" : String.valueOf(t.getJavaName());
          if (thread.contains("eventloop")) {
            System.out.println("LOOP-CLASS " + thread + " " + e.getClass("loadedClass").getName());
          }
        });
    classLoads.onFlush(() -> System.out.println("CLASSLOAD-FLUSH"));
    classLoads.startAsync();
  }

  /**
   * CPU time of each event loop, sampled every 10 ms: a loop reported blocked that used almost no
   * CPU meanwhile, and was runnable, was waiting for a core rather than held by code.
   */
  static final class LoopCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    // thread id -> ring of {wall nanos, cpu nanos}, 300 samples (3 s)
    private final Map<Long, long[][]> rings = new ConcurrentHashMap<>();
    private final Map<Long, Integer> next = new ConcurrentHashMap<>();

    LoopCpu() {
      Thread t = new Thread(this::sampleForever, "loop-cpu");
      t.setDaemon(true);
      t.start();
    }

    private void sampleForever() {
      while (true) {
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().contains("eventloop"))
            .forEach(this::sample);
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private void sample(Thread t) {
      long[][] ring = rings.computeIfAbsent(t.getId(), id -> new long[300][2]);
      synchronized (ring) {
        int i = next.merge(t.getId(), 1, (a, b) -> (a + b) % ring.length);
        ring[i][0] = System.nanoTime();
        ring[i][1] = mx.getThreadCpuTime(t.getId());
      }
    }

    boolean heldByCode(Thread loop, long minCpuNanos) {
      if (loop.getState() != Thread.State.RUNNABLE) {
        return true; // waiting on a lock, a sleep or a future: held by code
      }
      long[][] ring = rings.get(loop.getId());
      if (ring == null) {
        return true;
      }
      long cpuNow = mx.getThreadCpuTime(loop.getId());
      long since = System.nanoTime() - 2 * minCpuNanos; // the task began this long ago
      long cpuThen = -1;
      long newestBefore = Long.MIN_VALUE;
      synchronized (ring) {
        for (long[] s : ring) {
          if (s[0] != 0 && s[0] <= since && s[0] > newestBefore) {
            newestBefore = s[0];
            cpuThen = s[1];
          }
        }
      }
      return cpuThen < 0 || cpuNow - cpuThen >= minCpuNanos;
    }
  }
}
