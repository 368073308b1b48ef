package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.ServerRuntime;
import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.openapi.OpenApiV3;
import dev.flotilla.apiserver.registry.ResourceType;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HTTPS listener: Vert.x with TLS from PEM files, one router for every request, listening once
 * per event loop of its {@link ServerRuntime} (Vert.x spreads connections over the listeners, each
 * served on its own loop), with the request work itself on the runtime's workers.
 */
public final class ApiServer implements AutoCloseable {
  private static final java.util.concurrent.atomic.AtomicInteger SHARED_EPHEMERAL =
      new java.util.concurrent.atomic.AtomicInteger();

  private final ApiServerConfig config;
  private final ServerRuntime runtime;
  private final ApiRouter router;
  private final LocalPipeline local;
  private final List<String> deployments = new ArrayList<>();
  private final Map<String, Handler<HttpServerRequest>> rawHandlers = new ConcurrentHashMap<>();
  private volatile int port;
  private volatile boolean draining;
  private final java.util.function.Consumer<io.netty.channel.Channel> acceptHook;
  private final ConnectionGuard guard;
  private final java.util.concurrent.CompletableFuture<?> watchClasses;

  public ApiServer(
      ApiServerConfig config,
      ServerRuntime runtime,
      ResourceStorage storage,
      TokenAuthenticator authenticator,
      Authorizer authorizer,
      OpenApiV3 openApi,
      Function<ResourceType, Optional<JsonNode>> crdSchemas,
      ApiMetrics metrics,
      HealthChecks health) {
    this.config = config;
    this.runtime = runtime;
    this.watchClasses = WatchClassPreload.begin(runtime.workers());
    NonResourceHandler nonResource =
        new NonResourceHandler(
            storage.registry(),
            openApi,
            crdSchemas,
            metrics,
            ApiServer.class.getPackage().getImplementationVersion() == null
                ? "dev"
                : ApiServer.class.getPackage().getImplementationVersion());
    this.router =
        new ApiRouter(
            runtime.workers(),
            storage,
            authenticator,
            authorizer,
            config.maxBodyBytes(),
            nonResource,
            metrics,
            health,
            config.connections().maxWatchBufferBytes());
    this.local = new LocalPipeline(router, runtime.vertx(), runtime.eventLoops());
    this.guard = new ConnectionGuard(config.connections());
    router.onAuthenticated(guard::authenticated);
    this.acceptHook = guard::accepted;
  }

  /**
   * Serves a request from a client in this process without a socket or TLS, through the same
   * authentication, authorization, admission and watch machinery as HTTPS (see {@link
   * ApiExchange}). Returns at once.
   */
  public void serve(ApiExchange exchange) {
    local.serve(exchange);
  }

  /**
   * Listens on every event loop. Vert.x binds the socket once and hands connections to the
   * listeners in turn. Listeners on the same negative port share one ephemeral port, so each server
   * asking for an ephemeral port gets a negative number of its own (servers of several simulated
   * members share one Vert.x).
   */
  public void start() {
    try {
      // Loaded before the loops serve, so no first watch loads them on its loop.
      watchClasses.get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Only a start-up optimisation: serve without it.
    }
    int listenPort = config.port() == 0 ? -SHARED_EPHEMERAL.incrementAndGet() : config.port();
    deployments.add(
        runtime
            .vertx()
            .deployVerticle(
                () -> new Listener(listenPort),
                new DeploymentOptions().setInstances(runtime.eventLoops()))
            .await());
  }

  /** One HTTPS listener on the event loop Vert.x gives this verticle. */
  private final class Listener extends VerticleBase {
    private final int listenPort;
    private long sweepTimer = -1;

    Listener(int listenPort) {
      this.listenPort = listenPort;
    }

    @Override
    public Future<?> start() {
      ConnectionGuard.Sweep sweep = guard.sweep();
      sweepTimer = vertx.setPeriodic(guard.periodMillis(), id -> sweep.sweep(System.nanoTime()));
      return vertx
          .createHttpServer(serverOptions())
          .connectionHandler(sweep::opened)
          .requestHandler(
              http -> {
                sweep.request(http);
                route(http);
              })
          .listen(listenPort, config.host())
          .onSuccess(
              s -> {
                port = s.actualPort();
                // Connections still in their TLS handshake count toward the unauthenticated cap.
                AcceptHooks.register(port, acceptHook);
              });
    }

    @Override
    public Future<?> stop() {
      vertx.cancelTimer(sweepTimer);
      return Future.succeededFuture();
    }
  }

  /**
   * Stops serving this replica's clients so they go to another: every request but the health
   * endpoints gets a 503 Status from now on, and every open watch ends (its client reconnects, and
   * a 503 there sends it on). {@link #resume()} serves again.
   */
  public void drain() {
    draining = true;
    router.watchBuffers().abortAll();
  }

  /** Serves requests again after {@link #drain()}. */
  public void resume() {
    draining = false;
  }

  /** True between {@link #drain()} and {@link #resume()}. */
  public boolean draining() {
    return draining;
  }

  private void route(HttpServerRequest http) {
    if (draining && !HealthChecks.isHealthPath(http.path())) {
      ReplyWriter.unavailable(http, "this hub replica is shutting down; use another replica");
      return;
    }
    if (!rawHandlers.isEmpty()) {
      String path = http.path();
      for (Map.Entry<String, Handler<HttpServerRequest>> e : rawHandlers.entrySet()) {
        if (path.equals(e.getKey()) || path.startsWith(e.getKey() + "/")) {
          e.getValue().handle(http);
          return;
        }
      }
    }
    router.handle(http);
  }

  /**
   * Serves {@code prefix} and everything under {@code prefix/} with {@code handler}, before
   * authentication: the handler must authenticate on its own. May be called before or after start.
   */
  public void addRawHandler(String prefix, Handler<HttpServerRequest> handler) {
    rawHandlers.put(prefix, handler);
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions();
    if (config.clientCaPath() != null) {
      // Asked for, not required: token users send none. One that is sent must chain to the CA.
      options
          .setClientAuth(ClientAuth.REQUEST)
          .setTrustOptions(new PemTrustOptions().addCertPath(config.clientCaPath().toString()));
    }
    if (config.http2()) {
      // kube-apiserver's --http2-max-streams-per-connection default: a client's watches and
      // requests all fit on one connection.
      options
          .setUseAlpn(true)
          .setInitialSettings(new io.vertx.core.http.Http2Settings().setMaxConcurrentStreams(1000));
    }
    return options
        .setSsl(true)
        // A handshake is part of reading the first request head.
        .setSslHandshakeTimeout(config.connections().readHeaderTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(config.certPath().toString())
                .setKeyPath(config.keyPath().toString()))
        .setCompressionSupported(true)
        .setMaxWebSocketFrameSize(16 * 1024 * 1024)
        .setMaxWebSocketMessageSize(64 * 1024 * 1024);
  }

  /** Mounts an extension API under {@code prefix}; may be called before or after start. */
  public void addExtension(String prefix, ExtensionHandler handler) {
    router.addExtension(prefix, handler);
  }

  /** Serves a create-only resource from memory; may be called before or after start. */
  public void addVirtualResource(String group, String resource, VirtualResource handler) {
    router.addVirtualResource(group, resource, handler);
  }

  /**
   * Serves {@code group/resource/subresource} with {@code handler} (e.g. serviceaccounts/token),
   * after authorization as any subresource; may be called before or after start.
   */
  public void addSubresource(
      String group, String resource, String subresource, OperationHandler handler) {
    router.addSubresource(group, resource, subresource, handler);
  }

  /** Tells {@code audit} about every request from now on. */
  public void setAudit(RequestAudit audit) {
    router.setAudit(audit);
  }

  /** Honours Impersonate-* headers through {@code impersonator} from now on. */
  public void setImpersonator(Impersonator impersonator) {
    router.setImpersonator(impersonator);
  }

  public int port() {
    return port;
  }

  /** Connections that have not yet authenticated (see {@link ConnectionLimits}). */
  public int unauthenticatedConnections() {
    return guard.unauthenticated();
  }

  /** Bytes all watches hold for their clients now, and the most they held at once. */
  public long[] watchBufferedBytes() {
    WatchBuffers b = router.watchBuffers();
    return new long[] {b.total(), b.peak()};
  }

  /** Watches cut off because all watches together held more than the cap. */
  public int watchesCutForBufferCap() {
    return router.watchBuffers().cut();
  }

  /** Connections closed by a connection timeout or the unauthenticated cap since start. */
  public int connectionsClosedByLimits() {
    return guard.closedByLimits();
  }

  /** Stops listening; the runtime (event loops and workers) belongs to the caller. */
  @Override
  public void close() {
    AcceptHooks.unregister(port, acceptHook);
    for (String id : deployments) {
      runtime.vertx().undeploy(id).await();
    }
    deployments.clear();
  }
}
