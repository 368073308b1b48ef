package dev.flotilla.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the router answers a failure, over real HTTP: a Status while nothing was sent yet, and a
 * reset connection once the head is out (a watch failing after it started), so the client gets an
 * error at once instead of a response that never ends or a Status glued onto the stream.
 */
class SendOrAbortIT {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private int serve(boolean headFirst, AtomicBoolean sent) {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (headFirst) {
                    req.response().setChunked(true).putHeader("Content-Type", "application/json");
                    req.response().writeHead();
                    req.response().write("{\"type\":\"ADDED\"");
                  }
                  Reply failure =
                      Reply.json(500, Json.write(ApiException.internal("boom").toStatus()));
                  sent.set(ReplyWriter.sendOrAbort(req.response(), failure));
                })
            .listen(0)
            .await();
    return server.actualPort();
  }

  @Test
  void aFailureBeforeTheHeadIsAStatus() throws Exception {
    AtomicBoolean sent = new AtomicBoolean();
    int port = serve(false, sent);
    HttpResponse<String> r =
        client
            .sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                HttpResponse.BodyHandlers.ofString())
            .get(10, TimeUnit.SECONDS);
    assertEquals(500, r.statusCode());
    assertTrue(r.body().contains("\"kind\":\"Status\""), r.body());
    assertTrue(sent.get());
  }

  @Test
  void aFailureAfterTheHeadResetsTheConnection() {
    AtomicBoolean sent = new AtomicBoolean(true);
    int port = serve(true, sent);
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                client
                    .sendAsync(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                            .build(),
                        HttpResponse.BodyHandlers.ofString())
                    .get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IOException, "a broken response: " + e.getCause());
    assertFalse(sent.get());
  }
}
