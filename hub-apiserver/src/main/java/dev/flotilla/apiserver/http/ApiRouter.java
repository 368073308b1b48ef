package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.pods.PodSubresources;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.scale.ScaleHandler;
import dev.flotilla.apiserver.validation.FieldValidation;
import dev.flotilla.apiserver.validation.WriteContext;
import dev.flotilla.apiserver.validation.WriteRequests;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request pipeline: health endpoints, authentication, body limits, then discovery, OpenAPI or
 * one resource operation; every failure leaves as a Kubernetes {@code Status}.
 */
final class ApiRouter {
  private static final Logger LOG = Logger.getLogger(ApiRouter.class.getName());

  private final ResourceStorage storage;
  private final TokenAuthenticator authenticator;
  private final Authorizer authorizer;
  private final int maxBody;
  private final NonResourceHandler nonResource;
  private final WatchHandler watch;
  private final WatchBuffers watchBuffers;
  private final ApiMetrics metrics;
  private final Map<String, OperationHandler> operations;
  private final OperationHandler scale;
  private final HealthChecks health;
  private final Executor workers;

  /** Extension APIs by path prefix, checked after authentication (see {@link ExtensionHandler}). */
  private final Map<String, ExtensionHandler> extensions =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Create-only resources answered from memory, by "group/resource" (see {@link VirtualResource}).
   */
  private final Map<String, VirtualResource> virtuals =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Subresources served by a handler of their own, by "group/resource/subresource". */
  private final Map<String, OperationHandler> subresources =
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
    this.storage = storage;
    this.health = health;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.maxBody = maxBody;
    this.nonResource = nonResource;
    this.metrics = metrics;
    this.workers = workers;
    this.watchBuffers = new WatchBuffers(watchBufferBytes);
    this.watch =
        new WatchHandler(
            workers, storage, metrics::watchOpened, metrics::watchClosed, watchBuffers);
    this.operations =
        Map.of(
            "get", new GetHandler(storage),
            "list", new ListHandler(storage),
            "create", new CreateHandler(storage),
            "update", new UpdateHandler(storage),
            "patch", new PatchHandler(storage),
            "delete", new DeleteHandler(storage),
            "deletecollection", new DeleteCollectionHandler(storage));
    this.scale = new ScaleHandler(storage);
    PodSubresources.register(storage, (sub, handler) -> addSubresource("", "pods", sub, handler));
    PodSubresources.legacyBindings(storage).ifPresent(b -> addVirtualResource("", "bindings", b));
  }

  void addExtension(String prefix, ExtensionHandler handler) {
    extensions.put(prefix, handler);
  }

  void addVirtualResource(String group, String resource, VirtualResource handler) {
    virtuals.put(group + "/" + resource, handler);
  }

  void addSubresource(String group, String resource, String sub, OperationHandler handler) {
    subresources.put(group + "/" + resource + "/" + sub, handler);
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
    http.exceptionHandler(t -> LOG.log(Level.FINE, "request failed while reading", t));
  }

  /**
   * What routing made of a request: its verb (for metrics) and either the reply to come or a watch
   * to start on the event loop.
   */
  record Routed(String verb, CompletableFuture<Reply> reply, ApiRequest watch) {}

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
        Routed r = route(method, path, params, headers, null, user, verb);
        authorized(http, verb);
        start(http, context, r, started);
      } catch (RuntimeException | Error e) {
        authorized(http, verb);
        fail(http, e, verb[0], started);
      }
      return;
    }
    CompletableFuture<Routed> routed;
    try {
      routed =
          CompletableFuture.supplyAsync(
              () -> route(method, path, params, headers, body, user, verb), workers);
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
  private void start(HttpServerRequest http, Context context, Routed r, long started) {
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

  /** On a worker (or, for an upgrade, the loop): resolves, authorizes and starts the operation. */
  Routed route(
      HttpMethod method,
      String path,
      MultiMap params,
      MultiMap headers,
      Buffer body,
      UserInfo user,
      String[] verb) {
    RequestInfo info = RequestInfo.parse(path);
    VirtualResource virtual = virtual(info);
    ResourceType type = info.resourceRequest() && virtual == null ? resolve(info) : null;
    if (type != null) {
      RequestChecks.requireKnownSubresource(info, type);
    }
    verb[0] = verb(method, info, params);
    ApiRequest request = new ApiRequest(method.name(), info, type, params, headers, body, user);
    Authorizer.Verdict verdict = authorizer.authorize(user, verb[0], request);
    if (verb.length > 2) {
      verb[1] = verdict.allowed() ? "allow" : "forbid";
      verb[2] = verdict.reason();
    }
    String denied = verdict.denial();
    if (!verdict.allowed()) {
      throw info.resourceRequest()
          ? ApiException.forbidden(info.group(), info.resource(), info.name(), denied)
          : new ApiException(403, "Forbidden", "forbidden: " + denied);
    }
    if (virtual != null) {
      if (!verb[0].equals("create")) {
        throw ApiException.methodNotAllowed(
            "the server does not allow this method on the requested resource: "
                + verb[0]
                + " "
                + info.resource());
      }
      return new Routed(verb[0], virtual.createAsync(request), null);
    }
    if (!info.resourceRequest()) {
      return new Routed(
          verb[0], CompletableFuture.completedFuture(nonResource.handle(request, path)), null);
    }
    if (!type.supports(verb[0])) {
      throw ApiException.methodNotAllowed(
          "the server does not allow this method on the"
              + " requested resource: "
              + verb[0]
              + " "
              + type.groupResource());
    }
    if (verb[0].equals("watch")) {
      return new Routed(verb[0], null, request);
    }
    return new Routed(verb[0], operation(verb[0], request), null);
  }

  /**
   * The scale subresource has its own handler; writes run under field validation, and every write
   * with its user in scope for admission.
   */
  private CompletableFuture<Reply> operation(String verb, ApiRequest request) {
    if ("scale".equals(request.info().subresource())) {
      return asUser(verb, request, scale);
    }
    OperationHandler own = ownSubresource(request.info());
    if (own != null) {
      return asUser(verb, request, own);
    }
    OperationHandler handler = operations.get(verb);
    if (verb.equals("create") || verb.equals("update") || verb.equals("patch")) {
      return WriteRequests.handle(verb, request, handler);
    }
    if (verb.equals("delete") || verb.equals("deletecollection")) {
      return asUser(verb, request, handler);
    }
    return handler.handle(request);
  }

  private OperationHandler ownSubresource(RequestInfo info) {
    return info.subresource() == null || subresources.isEmpty()
        ? null
        : subresources.get(info.group() + "/" + info.resource() + "/" + info.subresource());
  }

  private static CompletableFuture<Reply> asUser(
      String verb, ApiRequest request, OperationHandler handler) {
    return new WriteContext(verb, FieldValidation.IGNORE, request.user())
        .call(() -> handler.handle(request));
  }

  /** The virtual resource a collection request addresses, if any. */
  private VirtualResource virtual(RequestInfo info) {
    if (!info.resourceRequest() || info.name() != null || info.subresource() != null) {
      return null;
    }
    VirtualResource v = virtuals.get(info.group() + "/" + info.resource());
    return v != null && v.serves(info.version()) ? v : null;
  }

  private ResourceType resolve(RequestInfo info) {
    return storage
        .registry()
        .find(info.group(), info.version(), info.resource())
        .orElseThrow(
            () ->
                new ApiException(
                    404,
                    "NotFound",
                    "the server could not find the"
                        + " requested resource: "
                        + info.resource()
                        + " is not served in "
                        + (info.group().isEmpty() ? "" : info.group() + "/")
                        + info.version()));
  }

  private static String verb(HttpMethod method, RequestInfo info, MultiMap params) {
    if (!info.resourceRequest()) {
      return method == HttpMethod.GET || method == HttpMethod.HEAD
          ? "get"
          : method.name().toLowerCase();
    }
    boolean named = info.name() != null;
    switch (method.name()) {
      case "GET":
      case "HEAD":
        if (RequestChecks.parseBool("watch", params.get("watch"))) {
          return "watch";
        }
        return named ? "get" : "list";
      case "POST":
        if (named && info.subresource() == null) {
          throw ApiException.methodNotAllowed(
              "POST is only allowed on collections; use PUT or"
                  + " PATCH to change "
                  + info.resource()
                  + " \""
                  + info.name()
                  + "\"");
        }
        return "create";
      case "PUT":
        requireName(named, "PUT");
        return "update";
      case "PATCH":
        requireName(named, "PATCH");
        return "patch";
      case "DELETE":
        return named ? "delete" : "deletecollection";
      default:
        throw ApiException.methodNotAllowed("method " + method + " is not supported");
    }
  }

  private static void requireName(boolean named, String method) {
    if (!named) {
      throw ApiException.methodNotAllowed(method + " needs an object name in the URL");
    }
  }

  private void reply(HttpServerRequest http, Reply reply, String verb, long started) {
    audit.reply(http, reply);
    if (sendOrAbort(http.response(), reply)) {
      metrics.record(verb, resourceLabel(http), reply.status(), started);
    }
  }

  /**
   * Sends {@code reply}; returns false when it could not be sent. When the head is already out (a
   * watch that failed after it started streaming), a Status would read as part of the stream, so
   * the connection is reset instead: the client sees a broken response, never a truncated one that
   * looks whole, and no request is left hanging.
   */
  static boolean sendOrAbort(HttpServerResponse response, Reply reply) {
    if (response.ended() || response.closed()) {
      return false;
    }
    if (response.headWritten()) {
      LOG.log(
          Level.FINE,
          "closing the connection: a failure after the response head ({0})",
          reply.status());
      response.reset();
      return false;
    }
    response.setStatusCode(reply.status());
    response.putHeader("Content-Type", reply.contentType());
    for (String w : reply.warnings()) {
      response
          .headers()
          .add("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    byte[] body = reply.body();
    if (body.length <= WRITE_CHUNK) {
      response.end(Buffer.buffer(body));
    } else {
      response.putHeader("Content-Length", Integer.toString(body.length));
      writeFrom(response, Vertx.currentContext(), body, 0);
    }
    return true;
  }

  /**
   * A large body goes out a TLS record per event-loop turn: encryption (and compression) of a
   * many-megabyte list in one go would hold the loop for tens of milliseconds or more.
   */
  private static final int WRITE_CHUNK = SlicedWriter.SLICE_BYTES;

  private static void writeFrom(
      HttpServerResponse response, Context context, byte[] body, int offset) {
    if (response.closed()) {
      return;
    }
    int end = Math.min(body.length, offset + WRITE_CHUNK);
    Buffer chunk = Buffer.buffer(java.util.Arrays.copyOfRange(body, offset, end));
    if (end == body.length) {
      response.end(chunk);
      return;
    }
    response.write(chunk);
    if (response.writeQueueFull()) {
      response.drainHandler(v -> writeFrom(response, context, body, end));
    } else {
      context.runOnContext(v -> writeFrom(response, context, body, end));
    }
  }

  private void fail(HttpServerRequest http, Throwable t, String verb, long started) {
    reply(http, statusReply(t, http.method() + " " + http.uri()), verb, started);
  }

  /** The Status a failure leaves as; anything but an ApiException is a logged 500. */
  static Reply statusReply(Throwable t, String request) {
    Throwable cause = ResourceStorage.unwrap(t);
    ApiException e;
    if (cause instanceof ApiException) {
      e = (ApiException) cause;
    } else {
      LOG.log(Level.WARNING, "internal error serving " + request, cause);
      e = ApiException.internal("Internal error occurred: " + cause.getMessage());
    }
    return Reply.json(e.code(), Json.write(e.toStatus()));
  }

  // What the in-process pipeline (LocalPipeline) shares with this one.

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
}
