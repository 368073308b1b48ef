package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discovery in both forms from the registry: the legacy APIVersions / APIGroupList /
 * APIResourceList documents fabric8 reads, and the aggregated v2 APIGroupDiscoveryList kubectl
 * prefers.
 */
final class DiscoveryDocuments {
  /** Subresources this server actually serves; others in the catalogue stay hidden. */
  static final Set<String> SERVED_SUBRESOURCES =
      Set.of("status", "scale", "eviction", "binding", "ephemeralcontainers");

  /**
   * What a subresource takes and serves: the catalogue's details for a built-in type (pods/eviction
   * is a policy/v1 Eviction, create only), else Scale or the type itself with get, patch, update.
   */
  private static BuiltinCatalogue.Subresource details(ResourceType t, String sub) {
    if (t.builtin()) {
      for (BuiltinCatalogue.Subresource d : BuiltinCatalogue.get().subresources(t)) {
        if (d.name().equals(sub)) {
          return d;
        }
      }
    }
    List<String> verbs = List.of("get", "patch", "update");
    return sub.equals("scale")
        ? new BuiltinCatalogue.Subresource(sub, "autoscaling", "v1", "Scale", verbs)
        : new BuiltinCatalogue.Subresource(sub, t.group(), t.version(), t.kind(), verbs);
  }

  private static final Pattern VERSION = Pattern.compile("v(\\d+)(?:(alpha|beta)(\\d+))?");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private DiscoveryDocuments() {}

  /** Versions of each group, preferred first, groups in first-registered order ("" = core). */
  static Map<String, List<String>> groups(ResourceRegistry registry) {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ResourceType t : registry.all()) {
      List<String> versions = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!versions.contains(t.version())) {
        versions.add(t.version());
      }
    }
    groups.values().forEach(v -> v.sort(VERSION_ORDER));
    return groups;
  }

  /** Kubernetes' version priority: GA over beta over alpha, higher numbers first. */
  static final Comparator<String> VERSION_ORDER =
      Comparator.comparingLong(DiscoveryDocuments::rank).reversed();

  private static long rank(String version) {
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      return -1;
    }
    long major = Long.parseLong(m.group(1));
    int stability = m.group(2) == null ? 3 : m.group(2).equals("beta") ? 2 : 1;
    long minor = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
    return stability * 1_000_000_000L + major * 10_000L + minor;
  }

  static ObjectNode apiVersions() {
    ObjectNode n = F.objectNode();
    n.put("kind", "APIVersions");
    n.putArray("versions").add("v1");
    ObjectNode addr = n.putArray("serverAddressByClientCIDRs").addObject();
    addr.put("clientCIDR", "0.0.0.0/0");
    addr.put("serverAddress", "127.0.0.1");
    return n;
  }

  static ObjectNode apiGroup(String name, List<String> versions) {
    ObjectNode g = F.objectNode();
    g.put("name", name);
    ArrayNode list = g.putArray("versions");
    for (String v : versions) {
      list.addObject().put("groupVersion", name + "/" + v).put("version", v);
    }
    g.putObject("preferredVersion")
        .put("groupVersion", name + "/" + versions.get(0))
        .put("version", versions.get(0));
    return g;
  }

  static ObjectNode apiGroupList(ResourceRegistry registry) {
    ObjectNode n = F.objectNode();
    n.put("kind", "APIGroupList");
    n.put("apiVersion", "v1");
    ArrayNode groups = n.putArray("groups");
    groups(registry)
        .forEach(
            (name, versions) -> {
              if (!name.isEmpty()) {
                groups.add(apiGroup(name, versions));
              }
            });
    return n;
  }

  static ObjectNode resourceList(ResourceRegistry registry, String group, String version) {
    ObjectNode n = F.objectNode();
    n.put("kind", "APIResourceList");
    n.put("apiVersion", "v1");
    n.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = n.putArray("resources");
    for (ResourceType t : registry.all()) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      ObjectNode r = resources.addObject();
      r.put("name", t.plural());
      r.put("singularName", t.singular());
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      strings(r.putArray("verbs"), t.verbs());
      if (!t.shortNames().isEmpty()) {
        strings(r.putArray("shortNames"), t.shortNames());
      }
      if (!t.categories().isEmpty()) {
        strings(r.putArray("categories"), t.categories());
      }
      for (String sub : t.subresources()) {
        if (SERVED_SUBRESOURCES.contains(sub)) {
          ObjectNode s = resources.addObject();
          s.put("name", t.plural() + "/" + sub);
          s.put("singularName", "");
          s.put("namespaced", t.namespaced());
          BuiltinCatalogue.Subresource d = details(t, sub);
          if (!d.group().equals(t.group()) || !d.version().equals(t.version())) {
            s.put("group", d.group());
            s.put("version", d.version());
          }
          s.put("kind", d.kind());
          strings(s.putArray("verbs"), d.verbs());
        }
      }
    }
    return n;
  }

  /** The aggregated form of either /api (core only) or /apis (every other group). */
  static ObjectNode aggregated(ResourceRegistry registry, boolean core) {
    ObjectNode n = F.objectNode();
    n.put("kind", "APIGroupDiscoveryList");
    n.put("apiVersion", "apidiscovery.k8s.io/v2");
    n.putObject("metadata");
    ArrayNode items = n.putArray("items");
    groups(registry)
        .forEach(
            (group, versions) -> {
              if (group.isEmpty() != core) {
                return;
              }
              ObjectNode item = items.addObject();
              item.putObject("metadata").put("name", group);
              ArrayNode vs = item.putArray("versions");
              for (String version : versions) {
                ObjectNode v = vs.addObject();
                v.put("version", version);
                ArrayNode resources = v.putArray("resources");
                for (ResourceType t : registry.all()) {
                  if (t.group().equals(group) && t.version().equals(version)) {
                    resources.add(aggregatedResource(t));
                  }
                }
                v.put("freshness", "Current");
              }
            });
    return n;
  }

  private static ObjectNode aggregatedResource(ResourceType t) {
    ObjectNode r = F.objectNode();
    r.put("resource", t.plural());
    ObjectNode kind = r.putObject("responseKind");
    kind.put("group", t.group()).put("version", t.version()).put("kind", t.kind());
    r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
    r.put("singularResource", t.singular());
    strings(r.putArray("verbs"), t.verbs());
    if (!t.shortNames().isEmpty()) {
      strings(r.putArray("shortNames"), t.shortNames());
    }
    if (!t.categories().isEmpty()) {
      strings(r.putArray("categories"), t.categories());
    }
    ArrayNode subs = F.arrayNode();
    for (String sub : t.subresources()) {
      if (SERVED_SUBRESOURCES.contains(sub)) {
        ObjectNode s = subs.addObject();
        s.put("subresource", sub);
        BuiltinCatalogue.Subresource d = details(t, sub);
        s.putObject("responseKind")
            .put("group", d.group())
            .put("version", d.version())
            .put("kind", d.kind());
        strings(s.putArray("verbs"), d.verbs());
      }
    }
    if (!subs.isEmpty()) {
      r.set("subresources", subs);
    }
    return r;
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
