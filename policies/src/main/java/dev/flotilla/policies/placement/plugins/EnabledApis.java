package dev.flotilla.policies.placement.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The group-version and kind pairs a Cluster's {@code status.apiEnablements} lists, built once per
 * list node. The controllers share one tree per Cluster version, so every binding scheduled against
 * that version asks a set instead of walking dozens of group-versions; a new version is a new tree
 * and so a new set. Entries go when their tree is collected.
 */
final class EnabledApis {
  private EnabledApis() {}

  private record Entry(int size, Set<String> pairs) {}

  /** A list node by identity, held weakly. */
  private static final class Key extends WeakReference<JsonNode> {
    private final int hash;

    Key(JsonNode list, ReferenceQueue<JsonNode> queue) {
      super(list, queue);
      this.hash = System.identityHashCode(list);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      JsonNode mine = get();
      return o instanceof Key k && mine != null && mine == k.get();
    }
  }

  private static final ReferenceQueue<JsonNode> COLLECTED = new ReferenceQueue<>();
  private static final Map<Key, Entry> BY_LIST = new ConcurrentHashMap<>();

  /** Whether {@code apiEnablements} lists {@code kind} under {@code apiVersion}. */
  static boolean lists(JsonNode apiEnablements, String apiVersion, String kind) {
    for (Reference<? extends JsonNode> r; (r = COLLECTED.poll()) != null; ) {
      BY_LIST.remove(r);
    }
    Entry e = BY_LIST.get(new Key(apiEnablements, null));
    // A list grown or shrunk in place (trees a caller builds and edits) is read again.
    if (e == null || e.size() != apiEnablements.size()) {
      e = new Entry(apiEnablements.size(), pairs(apiEnablements));
      BY_LIST.put(new Key(apiEnablements, COLLECTED), e);
    }
    return e.pairs().contains(pair(apiVersion, kind));
  }

  private static Set<String> pairs(JsonNode apiEnablements) {
    Set<String> out = new HashSet<>();
    for (JsonNode enablement : apiEnablements) {
      JsonNode resources = enablement.get("resources");
      if (resources == null || !resources.isArray()) {
        continue;
      }
      String groupVersion = text(enablement.get("groupVersion"));
      for (JsonNode resource : resources) {
        out.add(pair(groupVersion, text(resource.get("kind"))));
      }
    }
    return out;
  }

  /** As {@link dev.flotilla.policies.matching.Nodes#text}: "" unless a string. */
  private static String text(JsonNode value) {
    return value != null && value.isTextual() ? value.textValue() : "";
  }

  private static String pair(String apiVersion, String kind) {
    return apiVersion + '\u0000' + kind;
  }
}
