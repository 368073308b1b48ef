package dev.flotilla.apiserver.storage;

/**
 * Transforms values at the durable store's edge (kube-apiserver's storage value transformer): what
 * is written to disk, e.g. encrypted, and what is read back. Memory and watches hold the
 * untransformed value; only the bytes on disk differ.
 */
public interface ValueTransformer {
  /** Values stored as they are. */
  ValueTransformer IDENTITY =
      new ValueTransformer() {
        @Override
        public byte[] toStorage(String key, byte[] value) {
          return value;
        }

        @Override
        public byte[] fromStorage(String key, byte[] stored) {
          return stored;
        }
      };

  /** The bytes to write for {@code key}. */
  byte[] toStorage(String key, byte[] value);

  /**
   * The value {@code stored} bytes of {@code key} stand for.
   *
   * @throws IllegalStateException when they cannot be read (e.g. a key no longer configured)
   */
  byte[] fromStorage(String key, byte[] stored);
}
