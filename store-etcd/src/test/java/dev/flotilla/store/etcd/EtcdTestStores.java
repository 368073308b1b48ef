package dev.flotilla.store.etcd;

import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.ValueTransformer;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The store of every hub the hub-apiserver suites start under {@code -Pstore-etcd}: one etcd for
 * the whole run (started on first use, killed at exit), a prefix of its own per hub.
 */
public final class EtcdTestStores implements Function<ValueTransformer, Store> {
  private static final AtomicInteger HUBS = new AtomicInteger();
  private static LocalEtcd etcd;

  private static synchronized LocalEtcd etcd() throws Exception {
    if (etcd == null) {
      if (!LocalEtcd.availableForTests()) {
        throw new IllegalStateException("-Pstore-etcd needs etcd: apt-get install etcd-server");
      }
      etcd = LocalEtcd.start(Files.createTempDirectory("flotilla-it-etcd"), 1);
      LocalEtcd started = etcd;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "etcd-stop"));
    }
    return etcd;
  }

  @Override
  public Store apply(ValueTransformer transformer) {
    try {
      return EtcdStore.open(etcd().connection("/it" + HUBS.incrementAndGet()), transformer);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start etcd for the suites: " + e.getMessage(), e);
    }
  }
}
