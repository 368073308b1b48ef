package dev.flotilla.sim.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.concurrent.SerialExecutor;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's informers: one store watch per resource, started after a listing, feeding
 * handlers that only record facts or enqueue keys. Handlers run one at a time, in revision order
 * per resource, on a pool shared with other members (in turn, as on one thread), never on the
 * store's dispatch thread.
 */
public final class EventHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

  private final Store store;
  private final ObjectReader reader;
  private final Map<ResourceType, List<Consumer<Change>>> handlers = new LinkedHashMap<>();
  private final List<Store.Watch> watches = new ArrayList<>();
  private final SerialExecutor thread;
  private volatile boolean closed;

  public EventHub(Store store, ObjectReader reader, Executor pool) {
    this.store = store;
    this.reader = reader;
    this.thread = new SerialExecutor(pool);
  }

  /** Registers a handler; call before {@link #start()}. */
  public void on(ResourceType type, Consumer<Change> handler) {
    handlers.computeIfAbsent(type, k -> new ArrayList<>()).add(handler);
  }

  /**
   * Lists every watched resource, hands each object to the handlers as a create, then watches from
   * the listed revision. Returns once the listing has been handled, so state built by handlers
   * (address bookkeeping) is complete.
   */
  public void start() {
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (Map.Entry<ResourceType, List<Consumer<Change>>> e : handlers.entrySet()) {
      ResourceType type = e.getKey();
      String prefix = StorageKeys.resourcePrefix(type);
      RangeResult listing = store.range(prefix, Store.prefixEnd(prefix), 0, 0);
      synced.add(
          CompletableFuture.runAsync(
              () -> {
                for (KeyValue kv : listing.items()) {
                  ObjectNode obj = reader.parse(kv);
                  dispatch(new Change(type, Meta.namespace(obj), Meta.name(obj), null, obj));
                }
              },
              thread));
      watches.add(
          store.watch(
              prefix, listing.revision(), event -> thread.execute(() -> onEvent(type, event))));
    }
    CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).join();
  }

  private void onEvent(ResourceType type, StoreEvent event) {
    if (closed) {
      return;
    }
    ObjectNode oldObj = event.prevKv() == null ? null : Json.read(event.prevKv().value());
    ObjectNode newObj;
    if (event.type() == StoreEvent.Type.DELETE) {
      reader.forget(event.kv().key());
      newObj = null;
      if (oldObj == null) {
        oldObj = Json.read(event.kv().value());
      }
    } else {
      newObj = reader.parse(event.kv());
    }
    ObjectNode any = newObj != null ? newObj : oldObj;
    dispatch(new Change(type, Meta.namespace(any), Meta.name(any), oldObj, newObj));
  }

  private void dispatch(Change change) {
    for (Consumer<Change> handler : handlers.getOrDefault(change.type(), List.of())) {
      try {
        handler.accept(change);
      } catch (RuntimeException ex) {
        LOG.warn("event handler failed on " + change.type().plural() + " " + change.key(), ex);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Store.Watch w : watches) {
      w.close();
    }
  }
}
