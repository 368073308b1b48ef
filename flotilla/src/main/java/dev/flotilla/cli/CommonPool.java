package dev.flotilla.cli;

import java.util.concurrent.ForkJoinPool;

/**
 * Sizes the JVM's common ForkJoinPool before anything uses it. Below a parallelism of 2 (any
 * machine with 2 cores or fewer) {@code CompletableFuture} runs every async stage on a new thread,
 * and the JDK HTTP client behind fabric8 completes every request through such a stage: one thread
 * started and torn down per API request, thousands a second in a hub or an agent.
 */
public final class CommonPool {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /** Call first thing in {@code main}; an explicit {@code -D} setting is left alone. */
  public static void ensureParallelism() {
    if (System.getProperty(PARALLELISM) == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(PARALLELISM, Integer.toString(Math.max(2, cores - 1)));
    }
  }

  /** The parallelism in effect (1 means thread-per-task async stages). */
  public static int parallelism() {
    return ForkJoinPool.getCommonPoolParallelism();
  }
}
