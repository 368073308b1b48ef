package dev.flotilla.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every object the hub serves, found through discovery as a client finds it: key (group, resource,
 * namespace, name) to resourceVersion and content. Two snapshots are equal when nothing was written
 * in between.
 */
final class StoreSnapshot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StoreSnapshot() {}

  static Map<String, String> take(RawHttps hub) throws Exception {
    Map<String, String> all = new TreeMap<>();
    for (String collection : collections(hub)) {
      JsonNode list = JSON.readTree(hub.get(collection));
      for (JsonNode item : list.path("items")) {
        JsonNode meta = item.path("metadata");
        all.put(
            collection + " " + meta.path("namespace").asText() + "/" + meta.path("name").asText(),
            meta.path("resourceVersion").asText() + " " + item);
      }
    }
    return all;
  }

  /** The path of every listable top-level resource, across all namespaces. */
  private static List<String> collections(RawHttps hub) throws Exception {
    List<String> out = new ArrayList<>();
    addResources(hub, "/api/v1", out);
    for (JsonNode group : JSON.readTree(hub.get("/apis")).path("groups")) {
      addResources(
          hub, "/apis/" + group.path("preferredVersion").path("groupVersion").asText(), out);
    }
    return out;
  }

  private static void addResources(RawHttps hub, String groupVersion, List<String> out)
      throws Exception {
    for (JsonNode r : JSON.readTree(hub.get(groupVersion)).path("resources")) {
      String name = r.path("name").asText();
      boolean listable = false;
      for (JsonNode verb : r.path("verbs")) {
        listable |= verb.asText().equals("list");
      }
      if (listable && !name.contains("/")) {
        out.add(groupVersion + "/" + name);
      }
    }
  }

  /** The keys whose entries differ, with both sides, for a readable failure. */
  static Map<String, String> diff(Map<String, String> before, Map<String, String> after) {
    Map<String, String> d = new TreeMap<>();
    before.forEach(
        (k, v) -> {
          if (!v.equals(after.get(k))) {
            d.put(k, abbreviate(v) + "  ->  " + abbreviate(after.get(k)));
          }
        });
    after.keySet().stream()
        .filter(k -> !before.containsKey(k))
        .forEach(k -> d.put(k, "(new) " + abbreviate(after.get(k))));
    return d;
  }

  private static String abbreviate(String s) {
    return s == null ? "(gone)" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
