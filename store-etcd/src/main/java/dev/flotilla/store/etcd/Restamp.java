package dev.flotilla.store.etcd;

/**
 * Puts a revision into a stored value. etcd assigns a write's revision only when it commits, so the
 * driver stores values encoded at revision 0 and stamps the real one in when it reads them, as
 * kube-apiserver's codec sets resourceVersion from the key's modRevision on decode.
 */
@FunctionalInterface
public interface Restamp {
  /** The value as it reads at {@code revision}. */
  byte[] at(byte[] stored, long revision);

  /**
   * For Kubernetes objects in JSON: sets {@code metadata.resourceVersion}, in place in the bytes
   * when the object has one already.
   */
  Restamp JSON_RESOURCE_VERSION = dev.flotilla.apiserver.storage.JsonResourceVersion::at;
}
