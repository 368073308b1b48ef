package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.nio.charset.StandardCharsets;

/**
 * Turns store events into what one watcher sees: ADDED / MODIFIED / DELETED after its selectors,
 * with an object that starts or stops matching reported as ADDED or DELETED, as upstream does.
 */
public final class WatchFilter {
  private final ResourceStorage storage;
  private final ResourceType type;
  private final ListOptions options;
  private final boolean asIs;

  /** One watch event, the object already serialized. */
  public record Event(String type, byte[] object) {

    /** The wire form: {"type":..., "object":...}. */
    public byte[] encode() {
      byte[] head = ("{\"type\":\"" + type + "\",\"object\":").getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[head.length + object.length + 1];
      System.arraycopy(head, 0, out, 0, head.length);
      System.arraycopy(object, 0, out, head.length, object.length);
      out[out.length - 1] = '}';
      return out;
    }
  }

  public WatchFilter(ResourceStorage storage, ResourceType type, ListOptions options) {
    this.storage = storage;
    this.type = type;
    this.options = options;
    this.asIs = storage.storedAsIs(type);
  }

  /** The event this watcher should get, or null. */
  public Event translate(StoreEvent event) {
    if (!options.filters()) {
      String kind =
          event.type() == StoreEvent.Type.DELETE
              ? "DELETED"
              : event.isCreate() ? "ADDED" : "MODIFIED";
      return new Event(kind, bytes(event.kv()));
    }
    ObjectNode now = selected(event.kv().value());
    boolean matchesNow = ListQuery.matches(now, options);
    boolean matchedBefore =
        event.prevKv() != null && ListQuery.matches(selected(event.prevKv().value()), options);
    if (event.type() == StoreEvent.Type.DELETE) {
      return matchesNow ? new Event("DELETED", bytes(event.kv())) : null;
    }
    if (matchesNow) {
      return new Event(matchedBefore ? "MODIFIED" : "ADDED", bytes(event.kv()));
    }
    return matchedBefore ? new Event("DELETED", bytes(event.kv())) : null;
  }

  /**
   * What the selectors read of a stored object: a label selector reads the labels alone, parsed
   * without the rest. The hub's controllers watch Works by label (MCS, quotas): every Work create
   * and status write of the fleet was parsed whole, twice, for each of them.
   */
  private ObjectNode selected(byte[] stored) {
    return options.fields() == null ? Json.readLabels(stored) : Json.read(stored);
  }

  /** An object of the initial state, as an ADDED event. */
  public Event added(KeyValue kv) {
    return new Event("ADDED", bytes(kv));
  }

  private byte[] bytes(KeyValue kv) {
    return asIs ? kv.value() : Json.write(storage.toVersion(type, kv.value()));
  }
}
