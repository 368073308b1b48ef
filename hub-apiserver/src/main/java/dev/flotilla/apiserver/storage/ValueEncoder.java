package dev.flotilla.apiserver.storage;

/**
 * Produces the bytes to store once the write's revision is known, so the stored object can carry
 * its own resourceVersion and reads never re-serialize it.
 */
@FunctionalInterface
public interface ValueEncoder {
  byte[] encode(long revision);
}
