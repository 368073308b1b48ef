package dev.flotilla.bench;

import dev.flotilla.store.etcd.EtcdConnection;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd's own durable put rate on this machine: {@code threads} clients each putting one key at a
 * time (as many in flight as the benchmark's HTTP clients), each acknowledged after etcd's fsync.
 * The baseline the etcd hub's creates are compared with. Its values are the bytes the hub stored
 * for one of its creates, and its keys about as long as the hub's, so etcd moves as many bytes per
 * write in both.
 */
final class RawEtcdBaseline {
  private RawEtcdBaseline() {}

  /** For the client's warm-up, before the hub has stored anything: 600 bytes. */
  static final byte[] FILLER = "x".repeat(600).getBytes(StandardCharsets.UTF_8);

  static double putsPerSecond(EtcdConnection etcd, int count, int threads, byte[] value)
      throws Exception {
    try (Client client = etcd.connect()) {
      KV kv = client.getKVClient();
      AtomicInteger next = new AtomicInteger();
      long start = System.nanoTime();
      List<CompletableFuture<Void>> chains = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        chains.add(
            CompletableFuture.runAsync(() -> {}).thenCompose(v -> chain(kv, next, count, value)));
      }
      CompletableFuture.allOf(chains.toArray(CompletableFuture[]::new)).join();
      return count / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** The value stored at {@code key} (under the connection's prefix), as etcd holds it. */
  static byte[] storedValue(EtcdConnection etcd, String key) throws Exception {
    try (Client client = etcd.connect()) {
      GetResponse r =
          client
              .getKVClient()
              .get(ByteSequence.from(key, StandardCharsets.UTF_8))
              .get(60, TimeUnit.SECONDS);
      if (r.getKvs().isEmpty()) {
        throw new IllegalStateException("the hub stored nothing at " + key);
      }
      return r.getKvs().get(0).getValue().getBytes();
    }
  }

  /** One client's sequence of puts: the next starts when the previous is acknowledged. */
  private static CompletableFuture<Void> chain(KV kv, AtomicInteger next, int count, byte[] value) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return CompletableFuture.completedFuture(null);
    }
    // About as long as the hub's keys for the measured creates,
    // /registry/core/configmaps/bench/cm-<i>.
    ByteSequence key =
        ByteSequence.from("/registry/core/configmaps/rawput/cm-" + i, StandardCharsets.UTF_8);
    return kv.put(key, ByteSequence.from(value)).thenCompose(r -> chain(kv, next, count, value));
  }
}
