package dev.flotilla.apiserver.storage;

/**
 * One stored key at one revision, as etcd reports it.
 *
 * @param key the full storage key, e.g. "/registry/apps/deployments/default/web"
 * @param value the serialized object; treat as immutable
 * @param createRevision the revision at which the key was created
 * @param modRevision the revision of the last write to the key (the object's resourceVersion)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {}
