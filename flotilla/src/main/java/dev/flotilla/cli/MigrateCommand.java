package dev.flotilla.cli;

import dev.flotilla.apiserver.auth.DataDirectory;
import dev.flotilla.apiserver.encryption.EncryptionConfig;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.ValueTransformer;
import dev.flotilla.apiserver.storage.sqlite.SqliteStore;
import dev.flotilla.store.etcd.EtcdConnection;
import dev.flotilla.store.etcd.EtcdStore;
import dev.flotilla.store.etcd.Restamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Copies a stopped hub's objects from its SQLite store into etcd, as they are: uids, creation
 * timestamps, labels, finalizers, status. Only resourceVersions change, to etcd's revisions, as in
 * any move to another etcd; clients relist, as after a 410.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description = "Copy a hub's state from SQLite into etcd (stop the hub first).")
final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      description = "sqlite:DIR, the hub's --data-dir (its store is DIR/store/flotilla.db).")
  String from;

  @Option(
      names = "--to",
      required = true,
      description = "etcd:URL[,URL...], the etcd members (as --etcd-servers).")
  String to;

  @Option(
      names = "--etcd-prefix",
      defaultValue = EtcdConnection.DEFAULT_PREFIX,
      description = "Key prefix in etcd, as the hub's --etcd-prefix (default: ${DEFAULT-VALUE}).")
  String prefix;

  @Option(
      names = "--encryption-provider-config",
      description =
          "The hub's encryption config, if its store is encrypted at rest; etcd gets the"
              + " values encrypted the same way.")
  Path encryptionConfig;

  @Override
  public Integer call() {
    if (!from.startsWith("sqlite:")) {
      throw new ParameterException(spec.commandLine(), "--from must be sqlite:DIR, not " + from);
    }
    if (!to.startsWith("etcd:")) {
      throw new ParameterException(spec.commandLine(), "--to must be etcd:URL, not " + to);
    }
    Path dataDir = Path.of(from.substring("sqlite:".length()));
    if (!Files.exists(dataDir.resolve("store").resolve("flotilla.db"))) {
      throw new ParameterException(
          spec.commandLine(), "no hub store in " + dataDir + " (expected store/flotilla.db)");
    }
    EtcdConnection target;
    try {
      target = EtcdConnection.of(to.substring("etcd:".length()), prefix);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    ValueTransformer transformer =
        EncryptionConfig.transformer(Optional.ofNullable(encryptionConfig));
    try (SqliteStore source = SqliteStore.open(DataDirectory.secureStore(dataDir), transformer);
        EtcdStore sink = EtcdStore.open(target, transformer)) {
      if (sink.count("/", Store.prefixEnd("/")) > 0) {
        spec.commandLine()
            .getErr()
            .println("etcd already holds keys under " + prefix + ": refusing to merge into them");
        return 1;
      }
      long copied = copy(source, sink);
      spec.commandLine()
          .getOut()
          .println(
              "Copied "
                  + copied
                  + " objects from "
                  + dataDir
                  + " to etcd under "
                  + prefix
                  + "; start the hub with --etcd-servers "
                  + target.servers().get(0)
                  + " and the same --data-dir (certificates and tokens stay there).");
      return 0;
    }
  }

  /** Copies every current key, page by page at one revision, creating each in the sink. */
  static long copy(Store source, Store sink) {
    long copied = 0;
    String from = "/";
    String end = Store.prefixEnd("/");
    long at = 0;
    while (true) {
      RangeResult page = source.range(from, end, at, 500);
      at = page.revision();
      for (KeyValue kv : page.items()) {
        byte[] value = kv.value();
        if (!sink.create(kv.key(), rev -> Restamp.JSON_RESOURCE_VERSION.at(value, rev))
            .join()
            .succeeded()) {
          throw new IllegalStateException(kv.key() + " already exists in etcd");
        }
        copied++;
      }
      if (!page.more() || page.items().isEmpty()) {
        return copied;
      }
      from = page.items().get(page.items().size() - 1).key() + "\0";
    }
  }
}
