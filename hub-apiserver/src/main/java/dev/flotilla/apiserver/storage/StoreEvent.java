package dev.flotilla.apiserver.storage;

/**
 * A change to one key, delivered to watchers in revision order.
 *
 * @param type PUT for creates and updates, DELETE for deletions
 * @param kv the key after the change; for DELETE the last value with modRevision = the delete
 * @param prevKv the key before the change, null for a create
 */
public record StoreEvent(Type type, KeyValue kv, KeyValue prevKv) {

  /** What happened to the key. */
  public enum Type {
    PUT,
    DELETE
  }

  public long revision() {
    return kv.modRevision();
  }

  public boolean isCreate() {
    return type == Type.PUT && kv.createRevision() == kv.modRevision();
  }
}
