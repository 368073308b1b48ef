package dev.flotilla.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import dev.flotilla.sim.SimulatedMember;
import java.util.concurrent.ExecutorService;

/**
 * Every EndpointSlice commit in a simulated member, seen in-process on the member's store (so the
 * timestamp is the commit, not a benchmark client's watch delivery). The store's dispatch thread
 * only takes the time; parsing and bookkeeping run on {@code handoff}.
 */
final class SliceTap implements AutoCloseable {
  /** Receives one committed slice (its last value when deleted) and the commit time. */
  interface Listener {
    void onSlice(String cluster, ObjectNode slice, boolean deleted, long nanos);
  }

  private final Store.Watch watch;

  private SliceTap(Store.Watch watch) {
    this.watch = watch;
  }

  static SliceTap start(SimulatedMember member, ExecutorService handoff, Listener listener) {
    ResourceType slices =
        member
            .storage()
            .registry()
            .find("discovery.k8s.io", "v1", "endpointslices")
            .orElseThrow(() -> new IllegalStateException("no EndpointSlices in " + member.name()));
    Store store = member.storage().store();
    String cluster = member.name();
    Store.Watch watch =
        store.watch(
            StorageKeys.resourcePrefix(slices),
            store.currentRevision(),
            event -> {
              long nanos = System.nanoTime();
              handoff.execute(
                  () ->
                      listener.onSlice(
                          cluster,
                          Json.read(event.kv().value()),
                          event.type() == StoreEvent.Type.DELETE,
                          nanos));
            });
    return new SliceTap(watch);
  }

  @Override
  public void close() {
    watch.close();
  }
}
