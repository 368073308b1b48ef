package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.CompactedException;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.RangeResult;
import dev.flotilla.apiserver.storage.Store;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists with kube-apiserver's semantics: resourceVersion pinning, selectors applied in storage
 * order, and pages of at most {@code limit} matches with continue tokens that replay the same
 * revision.
 */
public final class ListQuery {
  private ListQuery() {}

  /**
   * One page of a list.
   *
   * @param items matching objects, stored bytes
   * @param revision the revision the list reflects (the list's resourceVersion)
   * @param continueToken token for the next page, or null at the end
   */
  public record Page(List<KeyValue> items, long revision, String continueToken) {}

  public static Page list(
      ResourceStorage storage, ResourceType type, String namespace, ListOptions options) {
    Store store = storage.store();
    String prefix = StorageKeys.listPrefix(type, namespace);
    String end = Store.prefixEnd(prefix);
    String from = prefix;
    long revision = 0;
    if (options.continueToken() != null && !options.continueToken().isEmpty()) {
      ContinueToken token = ContinueToken.decode(options.continueToken());
      from = prefix + token.start();
      revision = token.revision();
    } else if (!options.resourceVersion().isEmpty() && !options.resourceVersion().equals("0")) {
      long asked = Meta.parseResourceVersion(options.resourceVersion());
      if (asked > store.currentRevision()) {
        throw new ApiException(
            504,
            "Timeout",
            "Too large resource version: " + asked + ", current: " + store.currentRevision());
      }
      revision = options.exact() ? asked : 0;
    }
    int limit = Math.max(0, options.limit());
    List<KeyValue> matched = new ArrayList<>();
    String nextStart = null;
    try {
      while (true) {
        // A filtered list reads the store in pages and keeps only what matches: the whole range at
        // once would hold every value of the kind (every Work of a fleet) for one selector.
        int batch = limit > 0 ? Math.max(limit + 1, 256) : options.filters() ? FILTERED_BATCH : 0;
        RangeResult page = store.range(from, end, revision, batch);
        revision = page.revision();
        List<KeyValue> items = page.items();
        for (int i = 0; i < items.size(); i++) {
          KeyValue kv = items.get(i);
          if (!options.filters() || matches(storage, type, kv, options)) {
            if (limit > 0 && matched.size() == limit) {
              nextStart = kv.key().substring(prefix.length());
              break;
            }
            matched.add(kv);
          }
        }
        if (nextStart != null || !page.more() || items.isEmpty()) {
          break;
        }
        from = items.get(items.size() - 1).key() + "\0";
      }
    } catch (CompactedException e) {
      throw ApiException.expired(
          "The provided continue parameter is too old to display a"
              + " consistent list result. You can start a new list without the continue parameter.");
    }
    String token = nextStart == null ? null : new ContinueToken(revision, nextStart).encode();
    return new Page(matched, revision, token);
  }

  private static final int FILTERED_BATCH = 1000;

  static boolean matches(
      ResourceStorage storage, ResourceType type, KeyValue kv, ListOptions options) {
    return matches(Json.read(kv.value()), options);
  }

  static boolean matches(ObjectNode obj, ListOptions options) {
    if (!options.labels().matches(Meta.labels(obj))) {
      return false;
    }
    return options.fields() == null || options.fields().matches(obj);
  }
}
