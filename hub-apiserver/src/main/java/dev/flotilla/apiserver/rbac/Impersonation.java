package dev.flotilla.apiserver.rbac;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.Impersonator;
import dev.flotilla.apiserver.objects.ApiException;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Upstream's impersonation filter: {@code Impersonate-User} (a user, or a ServiceAccount when it
 * reads {@code system:serviceaccount:<ns>:<name>}), {@code Impersonate-Group}, {@code
 * Impersonate-Uid} and {@code Impersonate-Extra-<key>} each need the {@code impersonate} verb on
 * users, serviceaccounts, groups, uids or userextras/&lt;key&gt;; the request then runs as exactly
 * the named user (plus system:authenticated), never with the requester's own rights.
 */
public final class Impersonation implements Impersonator {
  public static final String USER = "Impersonate-User";
  public static final String GROUP = "Impersonate-Group";
  public static final String UID = "Impersonate-Uid";
  public static final String EXTRA_PREFIX = "Impersonate-Extra-";
  private static final String AUTH_GROUP = "authentication.k8s.io";
  private static final String SA_PREFIX = "system:serviceaccount:";
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final HubAuthorizer authorizer;

  public Impersonation(HubAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public UserInfo actingAs(UserInfo requester, MultiMap headers, String uri) {
    if (!Impersonator.requested(headers)) {
      return requester;
    }
    String requestedUser = headers.get(USER);
    List<String> requestedGroups = headers.getAll(GROUP);
    Map<String, List<String>> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().regionMatches(true, 0, EXTRA_PREFIX, 0, EXTRA_PREFIX.length())) {
        String key = unescape(h.getKey().substring(EXTRA_PREFIX.length()).toLowerCase(Locale.ROOT));
        extra.computeIfAbsent(key, k -> new ArrayList<>()).add(h.getValue());
      }
    }
    String uid = headers.get(UID);
    boolean hasUser = requestedUser != null && !requestedUser.isEmpty();
    if (!hasUser) {
      if (requestedGroups.isEmpty() && extra.isEmpty() && (uid == null || uid.isEmpty())) {
        return requester;
      }
      throw new ApiException(
          500,
          "InternalError",
          "Internal Server Error: \""
              + uri
              + "\": requested impersonation of groups, extra or uid without impersonating a user;"
              + " add the Impersonate-User header (kubectl --as)");
    }
    String username;
    List<String> groups = new ArrayList<>();
    String[] sa = splitServiceAccount(requestedUser);
    if (sa != null) {
      check(requester, "", "serviceaccounts", "", sa[0], sa[1]);
      username = requestedUser;
      if (requestedGroups.isEmpty()) {
        groups.add("system:serviceaccounts");
        groups.add("system:serviceaccounts:" + sa[0]);
      }
    } else {
      check(requester, "", "users", "", "", requestedUser);
      username = requestedUser;
    }
    for (String g : requestedGroups) {
      check(requester, "", "groups", "", "", g);
      groups.add(g);
    }
    for (Map.Entry<String, List<String>> e : extra.entrySet()) {
      for (String value : e.getValue()) {
        check(requester, AUTH_GROUP, "userextras", e.getKey(), "", value);
      }
    }
    if (uid != null && !uid.isEmpty()) {
      check(requester, AUTH_GROUP, "uids", "", "", uid);
    }
    if (!username.equals("system:anonymous")) {
      if (!groups.contains("system:authenticated") && !groups.contains("system:unauthenticated")) {
        groups.add("system:authenticated");
      }
    } else if (!groups.contains("system:unauthenticated")) {
      groups.add("system:unauthenticated");
    }
    return new UserInfo(username, uid == null ? "" : uid, groups, extra);
  }

  private void check(
      UserInfo requester,
      String group,
      String resource,
      String subresource,
      String namespace,
      String name) {
    Attributes a =
        Attributes.resource(
            requester, "impersonate", namespace, group, "", resource, subresource, name);
    Decision d = authorizer.decide(a);
    if (!d.allowed()) {
      String message =
          d.reason().isEmpty() ? a.forbiddenMessage() : a.forbiddenMessage() + ": " + d.reason();
      throw ApiException.forbidden(group, resource, name, message);
    }
  }

  /** Namespace and name of a ServiceAccount user name, or null (upstream's SplitUsername). */
  static String[] splitServiceAccount(String user) {
    if (!user.startsWith(SA_PREFIX)) {
      return null;
    }
    String[] parts = user.substring(SA_PREFIX.length()).split(":", -1);
    if (parts.length != 2
        || parts[0].length() > 63
        || !DNS_LABEL.matcher(parts[0]).matches()
        || parts[1].length() > 253
        || !DNS_SUBDOMAIN.matcher(parts[1]).matches()) {
      return null;
    }
    return parts;
  }

  /** Extra keys are percent-encoded in header names (upstream's unescapeExtraKey). */
  private static String unescape(String key) {
    try {
      return URLDecoder.decode(key.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return key;
    }
  }
}
