package dev.flotilla.apiserver.storage;

/**
 * The outcome of a conditional write.
 *
 * @param succeeded true when the condition held and the write is durable
 * @param kv on success the written key (for a delete, the deleted value at the delete revision); on
 *     failure the key's current value, or null if it does not exist
 */
public record WriteResult(boolean succeeded, KeyValue kv) {

  static WriteResult failed(KeyValue current) {
    return new WriteResult(false, current);
  }
}
