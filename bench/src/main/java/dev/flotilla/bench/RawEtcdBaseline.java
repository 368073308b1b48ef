package dev.flotilla.bench;

import dev.flotilla.store.etcd.EtcdConnection;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * etcd's own durable put rate on this machine: {@code threads} clients each putting one key at a
 * time (as many in flight as the benchmark's HTTP clients), each acknowledged after etcd's fsync.
 * The baseline the etcd hub's creates are compared with.
 */
final class RawEtcdBaseline {
  private RawEtcdBaseline() {}

  static double putsPerSecond(EtcdConnection etcd, int count, int threads) throws Exception {
    byte[] value = "x".repeat(600).getBytes(StandardCharsets.UTF_8);
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

  /** One client's sequence of puts: the next starts when the previous is acknowledged. */
  private static CompletableFuture<Void> chain(KV kv, AtomicInteger next, int count, byte[] value) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return CompletableFuture.completedFuture(null);
    }
    return kv.put(ByteSequence.from("/raw/" + i, StandardCharsets.UTF_8), ByteSequence.from(value))
        .thenCompose(r -> chain(kv, next, count, value));
  }
}
