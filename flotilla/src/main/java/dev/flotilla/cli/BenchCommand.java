package dev.flotilla.cli;

import dev.flotilla.bench.ApiServerBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a benchmark and prints its figures: {@code flotilla bench apiserver}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Run a benchmark and print figures.",
    subcommands = {BenchCommand.ApiServer.class})
final class BenchCommand implements Runnable {

  @Override
  public void run() {
    picocli.CommandLine.usage(this, System.out);
  }

  /** The hub API server benchmark. */
  @Command(name = "apiserver", mixinStandardHelpOptions = true,
      description = "Creates/s vs raw SQLite, gets/s, list latency, watch delivery, memory.")
  static final class ApiServer implements Callable<Integer> {
    @Option(names = "--objects", defaultValue = "10000") int objects;
    @Option(names = "--watchers", defaultValue = "1000") int watchers;
    @Option(names = "--threads", defaultValue = "32") int threads;

    @Override
    public Integer call() throws Exception {
      new ApiServerBench(objects, watchers, threads).run();
      return 0;
    }
  }
}
