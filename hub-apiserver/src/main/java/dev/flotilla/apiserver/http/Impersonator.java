package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import io.vertx.core.MultiMap;

/**
 * Turns the authenticated user into the user a request acts as: the one its {@code Impersonate-*}
 * headers name, once the requester may impersonate it. Runs after authentication and before
 * anything else; it must not block.
 */
@FunctionalInterface
public interface Impersonator {
  /** Headers are ignored: everyone acts as themselves. */
  Impersonator NONE = (user, headers, uri) -> user;

  /**
   * The user to act as.
   *
   * @throws dev.flotilla.apiserver.objects.ApiException 403 when impersonation is not allowed
   */
  UserInfo actingAs(UserInfo requester, MultiMap headers, String uri);

  /** Whether a request carries any {@code Impersonate-*} header (a scan of header names). */
  static boolean requested(MultiMap headers) {
    for (java.util.Map.Entry<String, String> h : headers) {
      if (h.getKey().regionMatches(true, 0, "Impersonate-", 0, "Impersonate-".length())) {
        return true;
      }
    }
    return false;
  }
}
