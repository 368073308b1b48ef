package dev.flotilla.ui;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.discovery.InstanceIndex;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The read-only fleet view at {@code /ui}: a Vert.x Web router mounted on the hub's listener ahead
 * of the API's authentication, because a browser brings its token in a cookie, not a header. The
 * token is the API's own bearer token, checked on every request (a revoked token ends the session);
 * what each section shows is decided by RBAC (see {@link UiAccess}).
 */
public final class FleetUi implements AutoCloseable {
  public static final String PREFIX = "/ui";

  /** HttpOnly (no script reads it), Secure, SameSite=Strict, scoped to /ui. */
  static final String COOKIE = "flotilla-ui-token";

  private static final String LOGIN_ERROR_MARK = "<!--error-->";

  private final HubServer hub;
  private final FleetModel model;
  private final UiAccess access;
  private final String loginPage = resource("login.html");
  private final String indexPage = resource("index.html");

  private FleetUi(HubServer hub, FleetModel model) {
    this.hub = hub;
    this.model = model;
    this.access = new UiAccess(hub::authorizer);
  }

  /** Mounts the view on {@code hub}, fed by informers through {@code client} and {@code index}. */
  public static FleetUi install(HubServer hub, KubernetesClient client, InstanceIndex index) {
    FleetUi ui = new FleetUi(hub, new FleetModel(client, index));
    hub.addRawHandler(PREFIX, ui.router()::handle);
    return ui;
  }

  private Router router() {
    Router r = Router.router(hub.runtime().vertx());
    r.route()
        .handler(
            ctx -> {
              ctx.response()
                  .putHeader("Cache-Control", "no-store")
                  .putHeader("X-Content-Type-Options", "nosniff")
                  // same-origin, not no-referrer: under no-referrer a browser posts the login form
                  // with "Origin: null", and the login's origin check would refuse it.
                  .putHeader("Referrer-Policy", "same-origin")
                  .putHeader(
                      "Content-Security-Policy",
                      "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
              ctx.next();
            });
    // A first-seen ServiceAccount JWT is verified (a signature check) on a worker; cached then,
    // every later check of it on the loop is two map lookups. GETs only: a POST's body would
    // arrive before its BodyHandler (the login checks its form token on a worker itself).
    r.get().handler(this::verifyOffLoop);
    // Vert.x Web matches "/ui" for "/ui/" too: only the bare path is sent on to the page.
    r.get(PREFIX)
        .handler(
            ctx -> {
              if (ctx.request().path().equals(PREFIX)) {
                redirect(ctx, PREFIX + "/");
              } else {
                ctx.next();
              }
            });
    r.post(PREFIX + "/login").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    r.post(PREFIX + "/login").handler(this::login);
    r.post(PREFIX + "/logout").handler(this::logout);
    // Code and style only: no fleet data is ever a static asset.
    r.get(PREFIX + "/assets/*")
        .handler(StaticHandler.create("dev/flotilla/ui/assets").setCachingEnabled(false));
    r.get(PREFIX + "/").handler(this::page);
    r.get(PREFIX + "/api/fleet").handler(this::fleet);
    r.get(PREFIX + "/api/fleet/stream").handler(this::stream);
    r.route()
        .handler(
            ctx ->
                status(ctx.response(), 404, "NotFound", "no such page: " + ctx.request().path()));
    return r;
  }

  private void verifyOffLoop(RoutingContext ctx) {
    String credential = credential(ctx.request());
    if (credential == null || !hub.authenticator().costly(credential, null)) {
      ctx.next();
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> hub.authenticator().authenticate(credential), false)
        .onComplete(ar -> ctx.next());
  }

  /** The request's bearer credential: its Authorization header, else the login cookie's token. */
  private static String credential(HttpServerRequest request) {
    String header = request.getHeader("Authorization");
    if (header != null) {
      return header;
    }
    Cookie cookie = request.getCookie(COOKIE);
    return cookie == null || cookie.getValue().isEmpty() ? null : "Bearer " + cookie.getValue();
  }

  private Optional<UserInfo> user(HttpServerRequest request) {
    String credential = credential(request);
    return credential == null ? Optional.empty() : hub.authenticator().authenticate(credential);
  }

  private void page(RoutingContext ctx) {
    if (user(ctx.request()).isEmpty()) {
      html(ctx.response(), 401, loginPage);
      return;
    }
    html(ctx.response(), 200, indexPage);
  }

  private void login(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !origin.equals("https://" + ctx.request().getHeader("Host"))) {
      // A login posted from another site would plant that site's token in this browser.
      status(
          ctx.response(),
          403,
          "Forbidden",
          "login is accepted from this hub's own page only (the request came from " + origin + ")");
      return;
    }
    String form = ctx.request().getFormAttribute("token");
    String token = form == null ? "" : form.trim();
    // The check may verify a signature: a worker's job.
    ctx.vertx()
        .executeBlocking(
            () ->
                !token.isEmpty() && hub.authenticator().authenticate("Bearer " + token).isPresent(),
            false)
        .onComplete(ar -> loggedIn(ctx, token, ar.succeeded() && ar.result()));
  }

  private void loggedIn(RoutingContext ctx, String token, boolean valid) {
    if (!valid) {
      html(
          ctx.response(),
          401,
          loginPage.replace(
              LOGIN_ERROR_MARK,
              "<p class=\"error\" id=\"login-error\">That token is not valid on this hub.</p>"));
      return;
    }
    ctx.response()
        .addCookie(
            Cookie.cookie(COOKIE, token)
                .setPath(PREFIX)
                .setHttpOnly(true)
                .setSecure(true)
                .setSameSite(CookieSameSite.STRICT));
    redirect(ctx, PREFIX + "/");
  }

  private void logout(RoutingContext ctx) {
    ctx.response().removeCookie(COOKIE);
    redirect(ctx, PREFIX + "/");
  }

  /** The user, or empty after answering 401. */
  private Optional<UserInfo> authenticated(RoutingContext ctx) {
    Optional<UserInfo> user = user(ctx.request());
    if (user.isEmpty()) {
      status(
          ctx.response(),
          401,
          "Unauthorized",
          "Unauthorized: log in at " + PREFIX + "/ with a bearer token of this hub");
    }
    return user;
  }

  private void stream(RoutingContext ctx) {
    if (authenticated(ctx).isPresent()) {
      HttpServerRequest request = ctx.request();
      FleetStream.open(ctx.vertx(), ctx.response(), model, () -> user(request).isPresent());
    }
  }

  private void fleet(RoutingContext ctx) {
    Optional<UserInfo> user = authenticated(ctx);
    if (user.isEmpty()) {
      return;
    }
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    // RBAC decisions and rendering walk caches: a worker's job, not the event loop's.
    ctx.vertx()
        .executeBlocking(() -> access.view(user.get(), model, ifNoneMatch), false)
        .onComplete(
            ar -> {
              HttpServerResponse response = ctx.response();
              if (ar.failed()) {
                status(response, 500, "InternalError", String.valueOf(ar.cause().getMessage()));
              } else if (ar.result() == null) {
                response.setStatusCode(304).end();
              } else {
                ObjectNode view = ar.result().body();
                response
                    .setStatusCode(200)
                    .putHeader("ETag", ar.result().etag())
                    .putHeader("Content-Type", "application/json")
                    .end(view.toString());
              }
            });
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader("Location", to).end();
  }

  private static void html(HttpServerResponse response, int code, String body) {
    response.setStatusCode(code).putHeader("Content-Type", "text/html; charset=utf-8").end(body);
  }

  static void status(HttpServerResponse response, int code, String reason, String message) {
    ObjectNode s = new ApiException(code, reason, message).toStatus();
    response.setStatusCode(code).putHeader("Content-Type", "application/json").end(s.toString());
  }

  private static String resource(String name) {
    try (InputStream in = FleetUi.class.getResourceAsStream("pages/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/flotilla/ui/pages/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** True once every informer behind the view has listed. */
  public boolean hasSynced() {
    return model.hasSynced();
  }

  @Override
  public void close() {
    model.close();
  }
}
