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

  @CommandLine.Option(
      names = "--log-level",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "LEVELS",
      description =
          "Log levels: a level (trace, debug, info, warn, error, off), optionally followed by"
              + " package=level pairs, e.g. info,dev.flotilla.controller=debug."
              + " Default: $FLOTILLA_LOG_LEVEL, else info.")
  void logLevel(String levels) {
    checked(LogSetup::levels, levels);
  }

  @CommandLine.Option(
      names = "--log-format",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FORMAT",
      description =
          "text, or json (one JSON object a line, for log collectors)."
              + " Default: $FLOTILLA_LOG_FORMAT, else text.")
  void logFormat(String format) {
    checked(LogSetup::format, format);
  }

  /** A bad logging flag is a usage error that names the choices, before anything runs. */
  private void checked(java.util.function.Consumer<String> setting, String value) {
    try {
      setting.accept(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    // First, before anything creates the common pool: no thread per HTTP call on small machines.
    dev.flotilla.agent.kube.Fabric8Clients.ensureCommonPool();
    CommandLine cli = new CommandLine(new FlotillaCommand());
    // Logging is configured once the flags are read and before any command runs.
    cli.setExecutionStrategy(
        parsed -> {
          LogSetup.apply();
          return new CommandLine.RunLast().execute(parsed);
        });
    System.exit(cli.execute(args));
  }
}
