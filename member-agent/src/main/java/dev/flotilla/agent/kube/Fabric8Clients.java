package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8 clients that share two bounded thread pools per process, one for the JDK HTTP client's
 * I/O callbacks and one for fabric8's tasks (informer handler calls), instead of two unbounded
 * pools per client. A process holding a hundred agents (two clients each) then runs on a few dozen
 * threads, and none is started per request.
 *
 * <p>One more pool matters and cannot be set here: the JDK HTTP client completes every {@code
 * sendAsync} on {@code CompletableFuture}'s default executor, which on a machine with fewer than
 * three cores (common pool parallelism 1) starts a new thread per call. Launchers set {@link
 * #COMMON_POOL_PARALLELISM} before anything touches that pool; see {@link #ensureCommonPool()}.
 */
public final class Fabric8Clients {
  /** The system property that sizes the common ForkJoinPool; read once, when it is created. */
  public static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  private static final int CORES = Runtime.getRuntime().availableProcessors();

  /**
   * JDK HTTP client callbacks: short, non-blocking (they hand bytes to fabric8), so a few threads
   * serve every client; the queue absorbs bursts.
   */
  private static final ExecutorService HTTP = fixed("fabric8-http", Math.max(4, 2 * CORES));

  /**
   * fabric8 tasks: informer handler calls (serialized per handler by fabric8), which only enqueue
   * keys in Flotilla, and watch reconnects.
   */
  private static final ExecutorService TASKS = fixed("fabric8-task", Math.max(4, 2 * CORES));

  private Fabric8Clients() {}

  /** A client for {@code config} on the shared pools. */
  public static KubernetesClient build(Config config) {
    return builder().withConfig(config).build();
  }

  /** A client builder already set up with the shared pools; add the config and build. */
  public static KubernetesClientBuilder builder() {
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new SharedPoolFactory())
        .withTaskExecutor(TASKS);
  }

  /**
   * Sets the common pool's parallelism to at least 2 (so that {@code CompletableFuture} uses it
   * rather than a thread per task) unless the JVM was started with a value. Call first thing in
   * {@code main}: once the common pool exists, the property is no longer read. Returns the
   * parallelism in effect.
   */
  public static int ensureCommonPool() {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(4, CORES)));
    }
    return java.util.concurrent.ForkJoinPool.getCommonPoolParallelism();
  }

  /** The JDK HTTP clients' shared callback pool, for transports built apart from fabric8's. */
  static ExecutorService httpExecutor() {
    return HTTP;
  }

  private static ExecutorService fixed(String name, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, name + "-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    return new ThreadPoolExecutor(
        threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
  }

  /** fabric8's JDK client factory with the shared executor, which closing a client leaves alone. */
  private static final class SharedPoolFactory extends JdkHttpClientFactory {
    @Override
    protected java.net.http.HttpClient.Builder createNewHttpClientBuilder() {
      return java.net.http.HttpClient.newBuilder().executor(HTTP);
    }

    @Override
    protected void closeHttpClient(JdkHttpClientImpl client) {
      // The executor is shared: nothing of this client's to shut down.
    }
  }
}
