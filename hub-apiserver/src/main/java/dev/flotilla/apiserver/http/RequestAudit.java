package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * What the request pipeline tells an audit backend, on the request's event loop: each call must
 * only note what it is given and return (the backend writes elsewhere).
 */
public interface RequestAudit {
  /** No auditing. */
  RequestAudit NONE = new RequestAudit() {};

  /** Authentication is done; {@code user} is null when it failed (a 401 follows). */
  default void begin(HttpServerRequest http, UserInfo user) {}

  /** The request acts as {@code acting} (itself, or whom it impersonates). */
  default void acting(HttpServerRequest http, UserInfo acting) {}

  /**
   * The authorizer's verdict, as kube-apiserver annotates events with {@code
   * authorization.k8s.io/decision} ("allow" or "forbid") and {@code authorization.k8s.io/reason}.
   * May be called from a worker.
   */
  default void authorized(HttpServerRequest http, boolean allowed, String reason) {}

  /** The request's whole body has been read. */
  default void requestBody(HttpServerRequest http, Buffer body) {}

  /** The reply about to be sent. */
  default void reply(HttpServerRequest http, Reply reply) {}

  /** A watch's response has started streaming. */
  default void watchStarted(HttpServerRequest http) {}

  /** A watch has ended, by the server or because its client went away. */
  default void watchEnded(HttpServerRequest http) {}
}
