package dev.flotilla.apiserver.http;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request pipeline for clients without a socket ({@link ApiExchange}): the same steps as {@link
 * ApiRouter}'s for HTTPS (authentication from the Authorization header, impersonation, body limit,
 * routing, RBAC, admission, validation, storage, watch), minus the socket, TLS and the event loop
 * for everything but a watch's stream. Health endpoints answer as over HTTPS; extension APIs are
 * HTTP handlers and answer 404 here.
 */
final class LocalPipeline {
  private final ApiRouter router;

  /** A watch's stream lives on one event loop, as a connection's would; chosen in turn. */
  private final Context[] loops;

  private final AtomicInteger nextLoop = new AtomicInteger();

  LocalPipeline(ApiRouter router, Vertx vertx, int eventLoops) {
    this.router = router;
    this.loops = new Context[Math.max(1, eventLoops)];
    for (int i = 0; i < loops.length; i++) {
      // Called off any Vert.x thread, each call makes a context on the next event loop.
      loops[i] = vertx.getOrCreateContext();
    }
  }

  /**
   * Serves {@code ex}; returns at once, the work runs on the server's workers. A known token is
   * looked up here (a digest and a map read), as the HTTPS pipeline does on its event loop, so that
   * the lane can follow the user; a token whose check is costly (a signature) waits in the ordinary
   * lane and is checked on a worker.
   */
  void serve(ApiExchange ex) {
    long started = System.nanoTime();
    // Answered here, as the HTTPS pipeline answers them before authentication: the checks answer
    // from memory and never block.
    HealthChecks.Answer health = router.health().answer(ex.path(), ex.query());
    if (health != null) {
      ex.reply(
          new Reply(
              health.status(),
              "text/plain; charset=utf-8",
              health.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              List.of()));
      return;
    }
    String authorization = ex.headers().get("Authorization");
    Optional<UserInfo> known = knownNow(authorization);
    UserInfo requester =
        known == null || Impersonator.requested(ex.headers()) ? null : known.orElse(null);
    try {
      router
          .workersFor(ex.method(), ex.path(), requester)
          .execute(() -> serveOnWorker(ex, known, started));
    } catch (RejectedExecutionException e) {
      ex.reply(failure(ApiException.internal("the server is shutting down"), ex));
    }
  }

  /**
   * The caller's user when a cheap lookup tells it; null to leave the check to a worker, where a
   * failure becomes the request's answer (a token source that throws answers there, not on the
   * caller's thread).
   */
  private Optional<UserInfo> knownNow(String authorization) {
    try {
      return router.authenticator().costly(authorization, null)
          ? null
          : router.authenticator().authenticate(authorization);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code known} is the authentication's outcome, or null when it is still to be done. */
  private void serveOnWorker(ApiExchange ex, Optional<UserInfo> known, long started) {
    String[] verb = {"unknown"};
    ResourceRoutes.Routed routed;
    try {
      MultiMap params = params(ex.query());
      String path = ex.path();
      if (router.isExtension(path)) {
        throw new ApiException(
            404,
            "NotFound",
            path + " is served over HTTPS only: connect to the hub's address for it");
      }
      UserInfo user =
          (known != null
                  ? known
                  : router.authenticator().authenticate(ex.headers().get("Authorization")))
              .orElseThrow(
                  () ->
                      new ApiException(
                          401,
                          "Unauthorized",
                          "Unauthorized: send a valid bearer token"
                              + " (the admin token is in the data directory's kubeconfig)"));
      if (Impersonator.requested(ex.headers())) {
        user = router.impersonator().actingAs(user, ex.headers(), uri(ex));
      }
      if (ex.body().length > router.maxBody()) {
        throw router.tooLargeBody();
      }
      HttpMethod method = HttpMethod.valueOf(ex.method());
      routed =
          router
              .routes()
              .route(method, path, params, ex.headers(), Buffer.buffer(ex.body()), user, verb);
    } catch (RuntimeException | Error e) {
      finish(ex, failure(e, ex), verb[0], started);
      return;
    }
    if (routed.watch() == null) {
      routed
          .reply()
          .whenComplete(
              (reply, t) -> finish(ex, t != null ? failure(t, ex) : reply, routed.verb(), started));
      return;
    }
    Context loop = loops[Math.floorMod(nextLoop.getAndIncrement(), loops.length)];
    loop.runOnContext(
        v -> {
          try {
            router.watchHandler().handle(routed.watch(), () -> ex.stream(Reply.JSON));
            record(routed.verb(), ex, 200, started);
          } catch (RuntimeException | Error e) {
            finish(ex, failure(e, ex), routed.verb(), started);
          }
        });
  }

  private void finish(ApiExchange ex, Reply reply, String verb, long started) {
    Reply whole;
    try {
      // A streamed list is read once, and a batch that fails (its revision compacted since the
      // first) is answered with its Status rather than leaving the caller to its timeout.
      whole = reply.whole();
    } catch (RuntimeException | Error e) {
      whole = failure(e, ex);
    }
    ex.reply(whole);
    record(verb, ex, whole.status(), started);
  }

  private void record(String verb, ApiExchange ex, int status, long started) {
    String resource;
    try {
      RequestInfo info = RequestInfo.parse(ex.path());
      resource = info.resourceRequest() ? info.resource() : "nonresource";
    } catch (RuntimeException e) {
      resource = "unknown";
    }
    router.metrics().record(verb, resource, status, started);
  }

  private static Reply failure(Throwable t, ApiExchange ex) {
    return ReplyWriter.statusReply(t, ex.method() + " " + uri(ex));
  }

  private static String uri(ApiExchange ex) {
    return ex.query() == null ? ex.path() : ex.path() + "?" + ex.query();
  }

  /** The query decoded as Vert.x decodes an HTTP request's (400 on a malformed escape). */
  static MultiMap params(String query) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    if (query == null || query.isEmpty()) {
      return params;
    }
    try {
      Map<String, List<String>> decoded =
          new QueryStringDecoder(query, StandardCharsets.UTF_8, false, 1024, true).parameters();
      decoded.forEach(params::add);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          "the query string is not valid: "
              + e.getMessage()
              + " (escape '%' as %25 and encode reserved characters)");
    }
    return params;
  }
}
