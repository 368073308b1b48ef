package dev.flotilla.apiserver.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An authenticated user as Kubernetes sees it: name, uid, groups (for RBAC subjects) and extra
 * attributes (e.g. what an impersonating client set with Impersonate-Extra-*).
 */
public record UserInfo(
    String name, String uid, List<String> groups, Map<String, List<String>> extra) {
  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = groups == null ? List.of() : List.copyOf(groups);
    if (extra == null || extra.isEmpty()) {
      extra = Map.of();
    } else {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      extra.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      extra = java.util.Collections.unmodifiableMap(copy);
    }
  }

  public UserInfo(String name, String uid, List<String> groups) {
    this(name, uid, groups, Map.of());
  }

  /** This user with {@code group} added, unless already present. */
  public UserInfo withGroup(String group) {
    if (groups.contains(group)) {
      return this;
    }
    List<String> g = new ArrayList<>(groups);
    g.add(group);
    return new UserInfo(name, uid, g, extra);
  }
}
