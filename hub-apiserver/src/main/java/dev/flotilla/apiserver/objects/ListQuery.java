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
    } else {
      revision = askedRevision(store, options);
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

  /** How many stored objects one batch of an unpaged list's scan reads. */
  public static final int SCAN_BATCH = 128;

  /**
   * Starts an unpaged list ({@code limit} 0) that is read a batch at a time: the first batch pins
   * the list's revision and every later one is read at it, as the pages of a chunked list are. A
   * list of every Work of an execution namespace then never has all its values in memory at once.
   */
  public static Scan scan(
      ResourceStorage storage, ResourceType type, String namespace, ListOptions options) {
    if (options.limit() > 0
        || (options.continueToken() != null && !options.continueToken().isEmpty())) {
      throw new IllegalArgumentException("a scan is for unpaged lists");
    }
    String prefix = StorageKeys.listPrefix(type, namespace);
    return new Scan(storage, type, options, prefix, askedRevision(storage.store(), options));
  }

  /**
   * The revision a first page is read at: the asked one for resourceVersionMatch=Exact, else 0 (the
   * current state, at least as new as any resourceVersion asked); 504 for a future one.
   */
  private static long askedRevision(Store store, ListOptions options) {
    if (options.resourceVersion().isEmpty() || options.resourceVersion().equals("0")) {
      return 0;
    }
    long asked = Meta.parseResourceVersion(options.resourceVersion());
    if (asked > store.currentRevision()) {
      throw new ApiException(
          504,
          "Timeout",
          "Too large resource version: " + asked + ", current: " + store.currentRevision());
    }
    return options.exact() ? asked : 0;
  }

  /**
   * An unpaged list in store batches at one revision. Not thread-safe: one caller at a time (calls
   * may come from different workers in turn).
   */
  public static final class Scan {
    private final ResourceStorage storage;
    private final ResourceType type;
    private final ListOptions options;
    private final String prefix;
    private final String end;
    private String from;
    private long revision;
    private boolean done;

    private Scan(
        ResourceStorage storage, ResourceType type, ListOptions options, String prefix, long at) {
      this.storage = storage;
      this.type = type;
      this.options = options;
      this.prefix = prefix;
      this.end = Store.prefixEnd(prefix);
      this.from = prefix;
      this.revision = at;
    }

    /** The same list again from its start, at the revision this one is pinned to. */
    public Scan again() {
      if (revision == 0) {
        throw new IllegalStateException("read a batch first: it pins the revision");
      }
      return new Scan(storage, type, options, prefix, revision);
    }

    /** The list's resourceVersion; known once the first batch is read. */
    public long revision() {
      return revision;
    }

    /** True once every batch has been read. */
    public boolean done() {
      return done;
    }

    /**
     * The matching objects of the next batch (possibly none, when a selector matched nothing in
     * it), or null when the list is complete.
     *
     * @throws ApiException 410 Expired if the list's revision was compacted while it was read
     */
    public List<KeyValue> next() {
      if (done) {
        return null;
      }
      Store store = storage.store();
      RangeResult page;
      try {
        int batch = options.filters() ? FILTERED_BATCH : SCAN_BATCH;
        if (revision == 0) {
          page = store.range(from, end, 0, batch);
          revision = page.revision();
        } else {
          boolean maybeCurrent = store.currentRevision() <= revision;
          page = store.range(from, end, revision, batch);
          if (maybeCurrent
              && (page.revision() != revision || store.currentRevision() != revision)) {
            // Served as the current state while a write landed: read it again, now from history,
            // so the list stays the state at its one revision.
            page = store.range(from, end, revision, batch);
          }
        }
      } catch (CompactedException e) {
        throw ApiException.expired(
            "The list's resource version "
                + revision
                + " was compacted while the list was being sent; list again.");
      }
      List<KeyValue> items = page.items();
      if (!page.more() || items.isEmpty()) {
        done = true;
      } else {
        from = items.get(items.size() - 1).key() + "\0";
      }
      if (!options.filters()) {
        return items;
      }
      List<KeyValue> matched = new ArrayList<>();
      for (KeyValue kv : items) {
        if (matches(storage, type, kv, options)) {
          matched.add(kv);
        }
      }
      return matched;
    }
  }

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
