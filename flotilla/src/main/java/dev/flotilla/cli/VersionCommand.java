package dev.flotilla.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** Prints the Flotilla version and the Kubernetes API level it serves. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

  @Override
  public void run() {
    for (String line : new Provider().getVersion()) {
      System.out.println(line);
    }
  }

  /** Reads the version the jar manifest carries. */
  static final class Provider implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FlotillaCommand.class.getPackage().getImplementationVersion();
      return new String[] {"flotilla " + (v == null ? "dev" : v) + " (Kubernetes API v1.33)"};
    }
  }
}
