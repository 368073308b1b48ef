package dev.flotilla.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one launcher: {@code flotilla hub | agent | sim | ... | version}. Wiring only; the work lives
 * in libraries.
 */
@Command(
    name = "flotilla",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Multi-cluster federation hub with Karmada policies and the MCS API.",
    subcommands = {
      HubCommand.class,
      AgentCommand.class,
      SimCommand.class,
      AgentTokenCommand.class,
      TokenCommand.class,
      ClusterCommand.class,
      DiscoverCommand.class,
      WhyCommand.class,
      PreviewCommand.class,
      MigrateCommand.class,
      VersionCommand.class
    })
public final class FlotillaCommand implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    // First, before anything creates the common pool: no thread per HTTP call on small machines.
    dev.flotilla.agent.kube.Fabric8Clients.ensureCommonPool();
    System.exit(new CommandLine(new FlotillaCommand()).execute(args));
  }
}
