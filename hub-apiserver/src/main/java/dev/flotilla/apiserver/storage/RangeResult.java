package dev.flotilla.apiserver.storage;

import java.util.List;

/**
 * A page of keys read at one revision.
 *
 * @param items the keys in key order
 * @param revision the store revision the page was read at
 * @param more true when keys beyond the limit remain
 */
public record RangeResult(List<KeyValue> items, long revision, boolean more) {}
