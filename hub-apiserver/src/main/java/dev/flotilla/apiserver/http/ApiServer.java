package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.openapi.OpenApiV3;
import dev.flotilla.apiserver.registry.ResourceType;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.Optional;
import java.util.function.Function;

/** The HTTPS listener: Vert.x with TLS from PEM files, one router for every request. */
public final class ApiServer implements AutoCloseable {
  private final ApiServerConfig config;
  private final Vertx vertx;
  private final ApiRouter router;
  private HttpServer server;

  public ApiServer(
      ApiServerConfig config,
      ResourceStorage storage,
      TokenAuthenticator authenticator,
      Authorizer authorizer,
      OpenApiV3 openApi,
      Function<ResourceType, Optional<JsonNode>> crdSchemas,
      ApiMetrics metrics,
      HealthChecks health) {
    this.config = config;
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setEventLoopPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors())));
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
            vertx,
            storage,
            authenticator,
            authorizer,
            config.maxBodyBytes(),
            nonResource,
            metrics,
            health);
  }

  public void start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(config.certPath().toString())
                    .setKeyPath(config.keyPath().toString()))
            .setCompressionSupported(true)
            .setMaxWebSocketFrameSize(16 * 1024 * 1024)
            .setMaxWebSocketMessageSize(64 * 1024 * 1024);
    server = vertx.createHttpServer(options).requestHandler(router::handle);
    server = server.listen(config.port(), config.host()).await();
  }

  /** Mounts an extension API under {@code prefix}; may be called before or after start. */
  public void addExtension(String prefix, ExtensionHandler handler) {
    router.addExtension(prefix, handler);
  }

  /** Serves a create-only resource from memory; may be called before or after start. */
  public void addVirtualResource(String group, String resource, VirtualResource handler) {
    router.addVirtualResource(group, resource, handler);
  }

  /** Honours Impersonate-* headers through {@code impersonator} from now on. */
  public void setImpersonator(Impersonator impersonator) {
    router.setImpersonator(impersonator);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    if (server != null) {
      server.close().await();
    }
    vertx.close().await();
  }
}
