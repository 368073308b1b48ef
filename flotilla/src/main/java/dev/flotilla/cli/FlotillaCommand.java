package dev.flotilla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one launcher: {@code flotilla hub | version}. Wiring only; the work lives in libraries. */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Multi-cluster federation hub with Karmada policies and the MCS API.",
    subcommands = {
      HubCommand.class,
      AgentCommand.class,
      AgentTokenCommand.class,
      DiscoverCommand.class,
      VersionCommand.class
    })
public final class FlotillaCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    CommonPool.ensureParallelism();
    System.exit(new CommandLine(new FlotillaCommand()).execute(args));
  }
}
