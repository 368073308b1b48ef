package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import io.vertx.core.http.HttpServerRequest;

/**
 * A non-resource API mounted under a path prefix (e.g. {@code /apis/discovery.flotilla.dev/}):
 * called on the event loop after authentication, before the request body is read; it owns the
 * response from then on (plain replies, 304s or chunked streams).
 */
@FunctionalInterface
public interface ExtensionHandler {
  void handle(HttpServerRequest request, UserInfo user);
}
