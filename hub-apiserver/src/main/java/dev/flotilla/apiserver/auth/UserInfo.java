package dev.flotilla.apiserver.auth;

import java.util.ArrayList;
import java.util.List;

/** An authenticated user as Kubernetes sees it: name, uid and groups (for RBAC subjects). */
public record UserInfo(String name, String uid, List<String> groups) {
  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = groups == null ? List.of() : List.copyOf(groups);
  }

  /** This user with {@code group} added, unless already present. */
  public UserInfo withGroup(String group) {
    if (groups.contains(group)) {
      return this;
    }
    List<String> g = new ArrayList<>(groups);
    g.add(group);
    return new UserInfo(name, uid, g);
  }
}
