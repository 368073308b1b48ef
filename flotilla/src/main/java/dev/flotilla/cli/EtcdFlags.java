package dev.flotilla.cli;

import dev.flotilla.apiserver.HubServer;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.EtcdStore;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * kube-apiserver's etcd flags: with {@code --etcd-servers} the hub stores in etcd (several replicas
 * may share it), without them in SQLite in its data directory.
 */
final class EtcdFlags {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--etcd-servers",
      description =
          "etcd members to store in, comma-separated (http:// or https://); several hubs may share"
              + " them. Without it the hub stores in SQLite in its data directory.")
  String servers;

  @Option(names = "--etcd-cafile", description = "CA bundle that signs the etcd members' certs.")
  Path caFile;

  @Option(names = "--etcd-certfile", description = "Client certificate for etcd (PEM).")
  Path certFile;

  @Option(names = "--etcd-keyfile", description = "Private key of --etcd-certfile (PEM).")
  Path keyFile;

  @Option(
      names = "--etcd-prefix",
      defaultValue = EtcdConnection.DEFAULT_PREFIX,
      description = "Prefix of every key in etcd (default: ${DEFAULT-VALUE}).")
  String prefix;

  /** The etcd connection the flags name, if any. */
  Optional<EtcdConnection> connection() {
    if (servers == null || servers.isBlank()) {
      if (caFile != null || certFile != null || keyFile != null) {
        throw new ParameterException(
            mixee.commandLine(),
            "--etcd-cafile/--etcd-certfile/--etcd-keyfile need --etcd-servers");
      }
      return Optional.empty();
    }
    try {
      return Optional.of(
          new EtcdConnection(
              EtcdConnection.parseServers(servers),
              Optional.ofNullable(caFile),
              Optional.ofNullable(certFile),
              Optional.ofNullable(keyFile),
              prefix));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(mixee.commandLine(), e.getMessage());
    }
  }

  /** How the hub is hosted: its own threads, on etcd when the flags say so. */
  HubServer.Hosting hosting() {
    return connection()
        .map(c -> new HubServer.Hosting(null, false, t -> EtcdStore.open(c, t)))
        .orElseGet(HubServer.Hosting::standalone);
  }
}
