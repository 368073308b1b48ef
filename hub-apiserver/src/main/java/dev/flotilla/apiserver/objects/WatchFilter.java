package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

  /**
   * The label keys the selector needs present (=, ==, in, exists, &gt;, &lt;), each as the quoted
   * JSON string the stored bytes would hold: an object whose bytes lack one cannot match, and is
   * not parsed to find out. The hub's controllers watch Works by label (MCS, quotas); most Works
   * carry neither label, and parsing each Work event twice per such watch cost 3% of the hub's CPU
   * in a burst.
   */
  private final List<BytePattern> requiredKeys;

  public WatchFilter(ResourceStorage storage, ResourceType type, ListOptions options) {
    this.storage = storage;
    this.type = type;
    this.options = options;
    this.asIs = storage.storedAsIs(type);
    List<BytePattern> keys = new java.util.ArrayList<>();
    for (LabelSelector.Requirement r : options.labels().requirements()) {
      switch (r.operator()) {
        case IN, EQUALS, DOUBLE_EQUALS, EXISTS, GREATER_THAN, LESS_THAN ->
            keys.add(
                new BytePattern(
                    Json.write(com.fasterxml.jackson.databind.node.TextNode.valueOf(r.key()))));
        default -> {}
      }
    }
    this.requiredKeys = List.copyOf(keys);
  }

  /** False when {@code stored} cannot match the label selector (a required key is absent). */
  private boolean mayMatch(byte[] stored) {
    for (BytePattern key : requiredKeys) {
      if (!key.in(stored)) {
        return false;
      }
    }
    return true;
  }

  /** The event this watcher should get, or null. */
  public Event translate(StoreEvent event) {
    if (event.type() == StoreEvent.Type.DELETE && event.kv().value().length == 0) {
      // A delete whose last value the store could not recover (made through another hub, its
      // previous revision compacted away): no selector can be judged, and a watcher that holds
      // the object must still hear that it is gone; one that never had it ignores the delete.
      return new Event("DELETED", bytes(event.kv()));
    }
    if (!options.filters()) {
      String kind =
          event.type() == StoreEvent.Type.DELETE
              ? "DELETED"
              : event.isCreate() ? "ADDED" : "MODIFIED";
      return new Event(kind, bytes(event.kv()));
    }
    boolean matchesNow = matches(event.kv().value());
    boolean matchedBefore = event.prevKv() != null && matches(event.prevKv().value());
    if (event.type() == StoreEvent.Type.DELETE) {
      return matchesNow ? new Event("DELETED", bytes(event.kv())) : null;
    }
    if (matchesNow) {
      return new Event(matchedBefore ? "MODIFIED" : "ADDED", bytes(event.kv()));
    }
    return matchedBefore ? new Event("DELETED", bytes(event.kv())) : null;
  }

  private boolean matches(byte[] stored) {
    return mayMatch(stored) && ListQuery.matches(selected(stored), options);
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
    if (kv.value().length == 0) {
      return Json.write(identityOnly(kv));
    }
    return asIs ? kv.value() : Json.write(storage.toVersion(type, kv.value()));
  }

  /**
   * What a deleted object's key says of it: kind, name, namespace, and the delete's revision as its
   * resourceVersion; enough for a client to drop it from its cache.
   */
  private ObjectNode identityOnly(KeyValue kv) {
    StorageKeys.ObjectName named = StorageKeys.name(type, kv.key());
    ObjectNode obj = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    obj.put("apiVersion", type.apiVersion());
    obj.put("kind", type.kind());
    ObjectNode meta = obj.putObject("metadata");
    meta.put("name", named.name());
    if (named.namespace() != null) {
      meta.put("namespace", named.namespace());
    }
    meta.put("resourceVersion", Long.toString(kv.modRevision()));
    return obj;
  }
}
