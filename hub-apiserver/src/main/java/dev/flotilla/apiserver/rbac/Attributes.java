package dev.flotilla.apiserver.rbac;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.RequestInfo;

/**
 * What an authorizer decides on, as upstream's {@code authorizer.Attributes}: who, which verb, and
 * either a resource (group, resource, subresource, namespace, name) or a non-resource path.
 *
 * @param namespace "" at the cluster scope
 * @param name "" when the request names no object
 */
public record Attributes(
    UserInfo user,
    String verb,
    boolean resourceRequest,
    String path,
    String namespace,
    String apiGroup,
    String apiVersion,
    String resource,
    String subresource,
    String name) {

  public Attributes {
    namespace = namespace == null ? "" : namespace;
    apiGroup = apiGroup == null ? "" : apiGroup;
    apiVersion = apiVersion == null ? "" : apiVersion;
    resource = resource == null ? "" : resource;
    subresource = subresource == null ? "" : subresource;
    name = name == null ? "" : name;
    path = path == null ? "" : path;
  }

  /** A resource request. */
  public static Attributes resource(
      UserInfo user,
      String verb,
      String namespace,
      String group,
      String version,
      String resource,
      String subresource,
      String name) {
    return new Attributes(
        user, verb, true, "", namespace, group, version, resource, subresource, name);
  }

  /** A request for a non-resource URL such as /version. */
  public static Attributes nonResource(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, false, path, "", "", "", "", "", "");
  }

  /**
   * The attributes of an HTTP request, as kube-apiserver's RequestInfoFactory derives them: a
   * Namespace object is in its own namespace, and a list or watch selecting one name by {@code
   * metadata.name} names it (so resourceNames rules can allow it).
   */
  public static Attributes of(UserInfo user, String verb, ApiRequest r) {
    RequestInfo i = r.info();
    if (!i.resourceRequest()) {
      return nonResource(user, verb, "/" + String.join("/", i.pathParts()));
    }
    String namespace = i.namespace();
    if (namespace == null && i.group().isEmpty() && "namespaces".equals(i.resource())) {
      namespace = i.name();
    }
    String name = i.name();
    if (name == null && (verb.equals("list") || verb.equals("watch"))) {
      name = selectedName(r.param("fieldSelector"));
    }
    return resource(
        user, verb, namespace, i.group(), i.version(), i.resource(), i.subresource(), name);
  }

  /** The name an exact {@code metadata.name} field selector term requires, else null. */
  static String selectedName(String fieldSelector) {
    if (fieldSelector == null || fieldSelector.isBlank()) {
      return null;
    }
    for (String term : fieldSelector.split(",")) {
      String t = term.trim();
      String value = null;
      if (t.startsWith("metadata.name==")) {
        value = t.substring("metadata.name==".length());
      } else if (t.startsWith("metadata.name=")) {
        value = t.substring("metadata.name=".length());
      }
      if (value != null) {
        boolean valid =
            !value.isEmpty()
                && !value.equals(".")
                && !value.equals("..")
                && !value.contains("/")
                && !value.contains("%");
        return valid ? value : null;
      }
    }
    return null;
  }

  /** The same request for another user (e.g. a SubjectAccessReview's subject). */
  public Attributes withUser(UserInfo other) {
    return new Attributes(
        other,
        verb,
        resourceRequest,
        path,
        namespace,
        apiGroup,
        apiVersion,
        resource,
        subresource,
        name);
  }

  /**
   * Upstream's forbiddenMessage: {@code User "u" cannot list resource "pods" in API group "" in the
   * namespace "ns"}, or {@code User "u" cannot get path "/metrics"}.
   */
  public String forbiddenMessage() {
    String userName = user == null ? "" : user.name();
    if (!resourceRequest) {
      return "User \"" + userName + "\" cannot " + verb + " path \"" + path + "\"";
    }
    String shown = subresource.isEmpty() ? resource : resource + "/" + subresource;
    String where =
        namespace.isEmpty() ? " at the cluster scope" : " in the namespace \"" + namespace + "\"";
    return "User \""
        + userName
        + "\" cannot "
        + verb
        + " resource \""
        + shown
        + "\" in API group \""
        + apiGroup
        + "\""
        + where;
  }
}
