package dev.flotilla.sim.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.concurrent.SerialExecutor;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link DnsIndex} up to date from the member's store: lists, then watches, namespaces,
 * Services, EndpointSlices, ServiceImports (whether or not their CRD exists yet: the key space is
 * watched, not the API) and the {@code kube-system/coredns} ConfigMap. Events are applied in order
 * on one serial task queue over a shared pool, never on the store's dispatch thread.
 */
final class DnsFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DnsFeed.class);
  static final String NAMESPACES = StorageKeys.ROOT + "core/namespaces/";
  static final String SERVICES = StorageKeys.ROOT + "core/services/";
  static final String SLICES = StorageKeys.ROOT + "discovery.k8s.io/endpointslices/";
  static final String IMPORTS = StorageKeys.ROOT + "multicluster.x-k8s.io/serviceimports/";
  static final String COREDNS = StorageKeys.ROOT + "core/configmaps/kube-system/coredns";

  private final Store store;
  private final DnsIndex index;
  private final SerialExecutor thread;
  private final List<Store.Watch> watches = new ArrayList<>();
  private volatile boolean closed;

  DnsFeed(Store store, DnsIndex index, Executor pool) {
    this.store = store;
    this.index = index;
    this.thread = new SerialExecutor(pool);
  }

  /** Lists and applies everything now, then follows changes. */
  DnsFeed start() {
    for (String prefix : List.of(NAMESPACES, SERVICES, SLICES, IMPORTS, COREDNS)) {
      RangeResult listing = store.range(prefix, Store.prefixEnd(prefix), 0, 0);
      for (KeyValue kv : listing.items()) {
        apply(kv.key(), Json.read(kv.value()));
      }
      watches.add(store.watch(prefix, listing.revision(), e -> thread.execute(() -> onEvent(e))));
    }
    return this;
  }

  private void onEvent(StoreEvent e) {
    if (closed) {
      return;
    }
    try {
      apply(e.kv().key(), e.type() == StoreEvent.Type.DELETE ? null : Json.read(e.kv().value()));
    } catch (RuntimeException ex) {
      LOG.warn("DNS index update failed for " + e.kv().key(), ex);
    }
  }

  /** Files one object (null: deleted) under the index entry its key names. */
  private void apply(String key, ObjectNode obj) {
    if (key.startsWith(NAMESPACES)) {
      index.namespace(key.substring(NAMESPACES.length()), obj != null);
      return;
    }
    if (key.equals(COREDNS)) {
      if (obj != null) {
        index.corefile(Corefile.parse(obj.path("data").path("Corefile").asText("")));
      } // deleted: CoreDNS keeps serving what it last read
      return;
    }
    String prefix = key.startsWith(SERVICES) ? SERVICES : key.startsWith(SLICES) ? SLICES : IMPORTS;
    String rest = key.substring(prefix.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return;
    }
    String ns = rest.substring(0, slash);
    String name = rest.substring(slash + 1);
    switch (prefix) {
      case SERVICES -> index.service(ns, name, obj);
      case SLICES -> index.endpointSlice(ns, name, obj);
      default -> index.serviceImport(ns, name, obj);
    }
  }

  @Override
  public void close() {
    closed = true;
    watches.forEach(Store.Watch::close);
  }
}
