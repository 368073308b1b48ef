package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.ResourceStorage;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request pipeline: health endpoints, authentication, impersonation, extensions, body limits,
 * then routing ({@link ResourceRoutes}) on a worker; every failure leaves as a Kubernetes {@code
 * Status} ({@link ReplyWriter}).
 */
final class ApiRouter {
  private static final Logger LOG = LoggerFactory.getLogger(ApiRouter.class);

  private final TokenAuthenticator authenticator;
  private final int maxBody;
  private final WatchHandler watch;
  private final WatchBuffers watchBuffers;
  private final ApiMetrics metrics;
  private final ResourceRoutes routes;
  private final HealthChecks health;

  private final Executor workers;

  /** Extension APIs by path prefix, checked after authentication (see {@link ExtensionHandler}). */
  private final Map<String, ExtensionHandler> extensions =
      new java.util.concurrent.ConcurrentHashMap<>();

  private volatile Impersonator impersonator = Impersonator.NONE;
  private volatile java.util.function.Consumer<HttpServerRequest> authenticated = http -> {};
  private volatile RequestAudit audit = RequestAudit.NONE;

  ApiRouter(
      Executor workers,
      ResourceStorage storage,
      TokenAuthenticator authenticator,
      Authorizer authorizer,
      int maxBody,
      NonResourceHandler nonResource,
      ApiMetrics metrics,
      HealthChecks health,
      long watchBufferBytes) {
    this.health = health;
    this.authenticator = authenticator;
    this.maxBody = maxBody;
    this.metrics = metrics;
    this.workers = workers;
    this.watchBuffers = new WatchBuffers(watchBufferBytes);
    this.watch =
        new WatchHandler(
            workers, storage, metrics::watchOpened, metrics::watchClosed, watchBuffers);
    this.routes = new ResourceRoutes(storage, authorizer, nonResource);
  }

  void addExtension(String prefix, ExtensionHandler handler) {
    extensions.put(prefix, handler);
  }

  void addVirtualResource(String group, String resource, VirtualResource handler) {
    routes.addVirtualResource(group, resource, handler);
  }

  void addSubresource(String group, String resource, String sub, OperationHandler handler) {
    routes.addSubresource(group, resource, sub, handler);
  }

  /** Told of every request that authenticates (the connection cap counts the others). */
  void onAuthenticated(java.util.function.Consumer<HttpServerRequest> listener) {
    this.authenticated = listener;
  }

  void setAudit(RequestAudit audit) {
    this.audit = audit;
  }

  void setImpersonator(Impersonator impersonator) {
    this.impersonator = impersonator;
  }

  void handle(HttpServerRequest http) {
    long started = System.nanoTime();
    String path = http.path();
    ApiException badQuery = RequestChecks.undecodableQuery(http);
    if (badQuery != null) {
      http.handler(ignored -> {}); // drain, as below
      fail(http, badQuery, "unknown", started);
      return;
    }
    if (health.handle(http)) {
      return;
    }
    String authorization = http.getHeader("Authorization");
    javax.net.ssl.SSLSession tls = http.sslSession();
    if (!authenticator.costly(authorization, tls)) {
      authenticated(http, authenticator.authenticate(authorization, tls), started);
      return;
    }
    // A first-seen ServiceAccount JWT: verifying its signature is a worker's job. The request
    // waits paused, so no body chunk arrives before its handlers are set.
    http.pause();
    Context context = Vertx.currentContext();
    CompletableFuture<Optional<UserInfo>> found;
    try {
      found =
          CompletableFuture.supplyAsync(
              () -> authenticator.authenticate(authorization, tls), workers);
    } catch (RejectedExecutionException e) {
      http.handler(ignored -> {}); // drain, as below
      http.resume();
      fail(http, ApiException.internal("the server is shutting down"), "unknown", started);
      return;
    }
    found.whenComplete(
        (user, t) ->
            context.runOnContext(
                v -> {
                  if (t != null) {
                    http.handler(ignored -> {}); // drain, as below
                    fail(http, t, "unknown", started);
                  } else if (authenticated(http, user, started)) {
                    return; // an impersonation decision resumes it
                  }
                  http.resume();
                }));
  }

  /**
   * The rest of {@link #handle} once the credentials are checked: 401, impersonation, serving.
   * Returns true when it resumes the (paused) request itself, after an impersonation decision.
   */
  private boolean authenticated(HttpServerRequest http, Optional<UserInfo> user, long started) {
    audit.begin(http, user.orElse(null));
    if (user.isEmpty()) {
      http.handler(
          ignored -> {}); // drain: a client still sending its body must get to read our answer
      fail(
          http,
          new ApiException(
              401,
              "Unauthorized",
              "Unauthorized: send a valid bearer token"
                  + " (the admin token is in the data directory's kubeconfig)"),
          "unknown",
          started);
      return false;
    }
    authenticated.accept(http);
    if (!Impersonator.requested(http.headers())) {
      serveAs(http, user.get(), started);
      return false;
    }
    // Deciding an impersonation is an RBAC evaluation: a worker's job. The request waits paused,
    // so no body chunk arrives before its handlers are set.
    http.pause();
    Context context = Vertx.currentContext();
    MultiMap headers = http.headers();
    String uri = http.uri();
    UserInfo requester = user.get();
    CompletableFuture<UserInfo> acting;
    try {
      acting =
          CompletableFuture.supplyAsync(
              () -> impersonator.actingAs(requester, headers, uri), workers);
    } catch (RejectedExecutionException e) {
      http.handler(ignored -> {}); // drain, as above
      http.resume();
      fail(http, ApiException.internal("the server is shutting down"), "unknown", started);
      return true;
    }
    acting.whenComplete(
        (as, t) ->
            context.runOnContext(
                v -> {
                  if (t != null) {
                    http.handler(ignored -> {}); // drain, as above
                    fail(http, t, "unknown", started);
                  } else {
                    serveAs(http, as, started);
                  }
                  http.resume();
                }));
    return true;
  }

  /** The rest of {@link #handle} once the acting user is known: extensions, then the API. */
  private void serveAs(HttpServerRequest http, UserInfo acting, long started) {
    audit.acting(http, acting);
    String path = http.path();
    for (Map.Entry<String, ExtensionHandler> e : extensions.entrySet()) {
      if (path.startsWith(e.getKey())) {
        e.getValue().handle(http, acting);
        return;
      }
    }
    String length = http.getHeader("Content-Length");
    if (length != null && parseLength(length) > maxBody) {
      http.handler(
          ignored -> {}); // drain: a client still sending its body must get to read our answer
      fail(http, tooLarge(), "unknown", started);
      return;
    }
    if ("websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
      // The upgrade must be taken before any body is read.
      dispatch(http, acting, null, started);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] rejected = {false};
    http.handler(
        chunk -> {
          if (rejected[0]) {
            return;
          }
          if (body.length() + chunk.length() > maxBody) {
            rejected[0] = true;
            fail(http, tooLarge(), "unknown", started);
            return;
          }
          body.appendBuffer(chunk);
        });
    http.endHandler(
        v -> {
          if (!rejected[0]) {
            dispatch(http, acting, body, started);
          }
        });
    http.exceptionHandler(t -> LOG.debug("request failed while reading", t));
  }

  /**
   * Routes, authorizes and serves one request. Everything that computes (parsing the body,
   * patching, admission, validation, storage, serializing) runs on a worker; the event loop only
   * reads what the request carries and writes the answer.
   */
  private void dispatch(HttpServerRequest http, UserInfo user, Buffer body, long started) {
    audit.requestBody(http, body);
    Context context = Vertx.currentContext();
    // Read on the loop what the worker needs: the request object itself stays on the loop.
    HttpMethod method = http.method();
    String path = http.path();
    MultiMap params = http.params();
    MultiMap headers = http.headers();
    // verb[0] for metrics; verb[1] and verb[2] the authorization decision and reason, for audit.
    String[] verb = {"unknown", null, null};
    if (body == null) {
      // A WebSocket upgrade is taken before the loop moves on. Routing it is light (there is no
      // body); a watch's initial list still runs on a worker.
      try {
        ResourceRoutes.Routed r = routes.route(method, path, params, headers, null, user, verb);
        authorized(http, verb);
        start(http, context, r, started);
      } catch (RuntimeException | Error e) {
        authorized(http, verb);
        fail(http, e, verb[0], started);
      }
      return;
    }
    CompletableFuture<ResourceRoutes.Routed> routed;
    try {
      routed =
          CompletableFuture.supplyAsync(
              () -> routes.route(method, path, params, headers, body, user, verb),
              workersFor(method.name(), path, Impersonator.requested(headers) ? null : user));
    } catch (RejectedExecutionException e) {
      fail(http, ApiException.internal("the server is shutting down"), verb[0], started);
      return;
    }
    routed.whenComplete(
        (r, t) -> {
          authorized(http, verb);
          if (t != null) {
            context.runOnContext(v -> fail(http, t, verb[0], started));
          } else {
            start(http, context, r, started);
          }
        });
  }

  private void authorized(HttpServerRequest http, String[] verb) {
    if (verb[1] != null) {
      audit.authorized(http, verb[1].equals("allow"), verb[2]);
    }
  }

  /** Starts a routed watch on the loop, or sends the reply on the loop once it is ready. */
  private void start(
      HttpServerRequest http, Context context, ResourceRoutes.Routed r, long started) {
    if (r.watch() == null) {
      r.reply()
          .whenComplete(
              (reply, t) ->
                  context.runOnContext(
                      v -> {
                        if (t != null) {
                          fail(http, t, r.verb(), started);
                        } else {
                          reply(http, reply, r.verb(), started);
                        }
                      }));
      return;
    }
    Runnable begin =
        () -> {
          try {
            watch.handle(r.watch(), http, () -> audit.watchEnded(http));
            audit.watchStarted(http);
            metrics.record(r.verb(), r.watch().info().resource(), 200, started);
          } catch (RuntimeException | Error e) {
            fail(http, e, r.verb(), started);
          }
        };
    if (Vertx.currentContext() == context) {
      begin.run();
    } else {
      context.runOnContext(v -> begin.run());
    }
  }

  private void reply(HttpServerRequest http, Reply reply, String verb, long started) {
    audit.reply(http, reply);
    if (ReplyWriter.sendOrAbort(http.response(), reply, workers, metrics)) {
      metrics.record(verb, resourceLabel(http), reply.status(), started);
    }
  }

  private void fail(HttpServerRequest http, Throwable t, String verb, long started) {
    reply(http, ReplyWriter.statusReply(t, http.method() + " " + http.uri()), verb, started);
  }

  // What the in-process pipeline (LocalPipeline) shares with this one.

  ResourceRoutes routes() {
    return routes;
  }

  TokenAuthenticator authenticator() {
    return authenticator;
  }

  Impersonator impersonator() {
    return impersonator;
  }

  boolean isExtension(String path) {
    return extensions.keySet().stream().anyMatch(path::startsWith);
  }

  int maxBody() {
    return maxBody;
  }

  Executor workers() {
    return workers;
  }

  /**
   * The workers' lane for a request (see {@link WorkerLane}); {@code requester} null when not
   * authenticated yet or impersonating.
   */
  Executor workersFor(String method, String path, UserInfo requester) {
    return WorkerLane.of(method, path, requester).of(workers);
  }

  ApiMetrics metrics() {
    return metrics;
  }

  WatchBuffers watchBuffers() {
    return watchBuffers;
  }

  WatchHandler watchHandler() {
    return watch;
  }

  ApiException tooLargeBody() {
    return tooLarge();
  }

  private ApiException tooLarge() {
    return new ApiException(
        413,
        "RequestEntityTooLarge",
        "Request entity too large: limit is "
            + maxBody
            + " bytes; split the object or store large data outside the API");
  }

  /** Metrics are labelled by resource, never by full path, to keep label cardinality bounded. */
  private static String resourceLabel(HttpServerRequest http) {
    try {
      RequestInfo info = RequestInfo.parse(http.path());
      return info.resourceRequest() ? info.resource() : "nonresource";
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  private static long parseLength(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The health endpoints, which clients in process reach too. */
  HealthChecks health() {
    return health;
  }
}
