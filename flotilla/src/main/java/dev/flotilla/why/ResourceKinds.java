package dev.flotilla.why;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves what a user types ({@code deploy}, {@code deployment}, {@code Deployment}, {@code
 * deployments.apps}) to a served kind through the hub's discovery, as kubectl's RESTMapper does.
 */
public final class ResourceKinds {
  /** A served kind. */
  public record Kind(String apiVersion, String kind, String plural, boolean namespaced) {}

  private ResourceKinds() {}

  /** The kind {@code typed} names, or empty when the hub serves none by that name. */
  public static Optional<Kind> resolve(KubernetesClient hub, String typed) {
    String wanted = typed.toLowerCase(Locale.ROOT);
    String group = null;
    int dot = wanted.indexOf('.');
    if (dot > 0) {
      group = wanted.substring(dot + 1);
      wanted = wanted.substring(0, dot);
    }
    for (String gv : groupVersions(hub, group)) {
      APIResourceList list;
      try {
        list = hub.getApiResources(gv);
      } catch (RuntimeException e) {
        continue;
      }
      if (list == null) {
        continue;
      }
      for (APIResource r : list.getResources()) {
        if (r.getName().contains("/")) {
          continue; // a subresource
        }
        if (names(r).contains(wanted)) {
          return Optional.of(
              new Kind(gv, r.getKind(), r.getName(), Boolean.TRUE.equals(r.getNamespaced())));
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> names(APIResource r) {
    List<String> out = new ArrayList<>();
    out.add(r.getName());
    out.add(r.getKind().toLowerCase(Locale.ROOT));
    if (r.getSingularName() != null) {
      out.add(r.getSingularName());
    }
    if (r.getShortNames() != null) {
      out.addAll(r.getShortNames());
    }
    return out;
  }

  /** Core first, then each group's preferred version (as kubectl prefers them). */
  private static List<String> groupVersions(KubernetesClient hub, String group) {
    List<String> out = new ArrayList<>();
    if (group == null || group.isEmpty() || group.equals("core")) {
      out.add("v1");
    }
    for (APIGroup g : hub.getApiGroups().getGroups()) {
      if (group == null || g.getName().equals(group)) {
        out.add(g.getPreferredVersion().getGroupVersion());
      }
    }
    return out;
  }
}
