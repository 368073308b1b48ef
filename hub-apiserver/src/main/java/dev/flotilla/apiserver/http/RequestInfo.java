package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.objects.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a request path addresses, parsed the way kube-apiserver's RequestInfoFactory does: {@code
 * /api/v1/...} or {@code /apis/<group>/<version>/...}, then an optional {@code namespaces/<ns>/}, a
 * resource, a name and a subresource.
 *
 * @param resourceRequest false for discovery paths such as /api or /apis/apps
 * @param pathParts the non-empty path segments
 */
public record RequestInfo(
    boolean resourceRequest,
    List<String> pathParts,
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String subresource) {

  /** Namespaces have their own subresources; any other segment after a namespace is a resource. */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  public static RequestInfo parse(String path) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        parts.add(p);
      }
    }
    if (parts.isEmpty() || !(parts.get(0).equals("api") || parts.get(0).equals("apis"))) {
      return new RequestInfo(false, parts, null, null, null, null, null, null);
    }
    int i;
    String group;
    String version;
    if (parts.get(0).equals("api")) {
      if (parts.size() < 3) {
        return new RequestInfo(
            false, parts, "", parts.size() > 1 ? parts.get(1) : null, null, null, null, null);
      }
      group = "";
      version = parts.get(1);
      i = 2;
    } else {
      if (parts.size() < 4) {
        return new RequestInfo(
            false,
            parts,
            parts.size() > 1 ? parts.get(1) : null,
            parts.size() > 2 ? parts.get(2) : null,
            null,
            null,
            null,
            null);
      }
      group = parts.get(1);
      version = parts.get(2);
      i = 3;
    }
    if (path.contains("//") || path.endsWith("/")) {
      // Matched exactly, as upstream's routes: "configmaps//" is no name for the collection, and
      // reading it as one turned a DELETE of nothing into a deletecollection.
      throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }
    List<String> rest = parts.subList(i, parts.size());
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      } else {
        // /namespaces/<name>[/status]: the namespace object itself.
        return new RequestInfo(
            true,
            parts,
            group,
            version,
            null,
            "namespaces",
            namespace,
            rest.size() > 2 ? rest.get(2) : null);
      }
    }
    if (rest.size() > 3) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource");
    }
    return new RequestInfo(
        true,
        parts,
        group,
        version,
        namespace,
        rest.get(0),
        rest.size() > 1 ? rest.get(1) : null,
        rest.size() > 2 ? rest.get(2) : null);
  }
}
