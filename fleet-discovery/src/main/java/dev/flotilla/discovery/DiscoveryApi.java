package dev.flotilla.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.HubServer;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.ExtensionHandler;
import dev.flotilla.apiserver.http.RequestChecks;
import dev.flotilla.apiserver.objects.ApiException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Fleet-wide discovery on the hub: {@code GET
 * /apis/discovery.flotilla.dev/v1/namespaces/<ns>/services/<svc>/instances} with {@code
 * ?cluster=<c>}, {@code ?ready=true}, {@code If-None-Match: <revision>} (304 when unchanged) and
 * {@code ?watch=true} (chunked JSON lines, one InstanceList per change; {@code timeoutSeconds=N}
 * ends the stream cleanly after N seconds). Served from the {@link InstanceIndex}; who may read it
 * is {@link DiscoveryAccess}'s rule.
 */
public final class DiscoveryApi implements ExtensionHandler, AutoCloseable {
  public static final String PREFIX = "/apis/discovery.flotilla.dev/";
  public static final String API_VERSION = "discovery.flotilla.dev/v1";

  private final InstanceIndex index;

  public DiscoveryApi(InstanceIndex index) {
    this.index = index;
  }

  /** Mounts the API on {@code hub}, its index fed by informers through {@code client}. */
  public static DiscoveryApi install(HubServer hub, KubernetesClient client) {
    DiscoveryApi api = new DiscoveryApi(new InstanceIndex(client));
    hub.addNonResourceHandler(PREFIX, api);
    return api;
  }

  /** The index the API answers from (the fleet view reads it too). */
  public InstanceIndex index() {
    return index;
  }

  @Override
  public void handle(HttpServerRequest http, UserInfo user) {
    String[] parts = http.path().substring(1).split("/");
    // apis, discovery.flotilla.dev, v1, namespaces, <ns>, services, <svc>, instances
    // HEAD answers as GET without the body (Vert.x leaves the body out of a HEAD response).
    if (!http.method().name().equals("GET") && !http.method().name().equals("HEAD")) {
      error(
          http.response(),
          405,
          "MethodNotAllowed",
          "only GET and HEAD are served on " + http.path());
      return;
    }
    if (parts.length == 3 && parts[2].equals("v1")) {
      ObjectNode doc = InstanceIndex.MAPPER.createObjectNode();
      doc.put("kind", "APIResourceList");
      doc.put("apiVersion", "v1");
      doc.put("groupVersion", API_VERSION);
      doc.putArray("resources");
      json(http.response(), 200, doc);
      return;
    }
    if (parts.length != 8
        || !parts[2].equals("v1")
        || !parts[3].equals("namespaces")
        || !parts[5].equals("services")
        || !parts[7].equals("instances")) {
      error(
          http.response(),
          404,
          "NotFound",
          "use " + PREFIX + "v1/namespaces/<namespace>/services/<service>/instances");
      return;
    }
    String ns = parts[4];
    String svc = parts[6];
    String denied = DiscoveryAccess.deny(user, ns, svc);
    if (denied != null) {
      error(http.response(), 403, "Forbidden", denied);
      return;
    }
    String cluster = http.getParam("cluster");
    boolean readyOnly;
    boolean watch;
    try {
      // Booleans read as the API server reads them (Go's strconv.ParseBool): watch=True works.
      readyOnly = RequestChecks.parseBool("ready", http.getParam("ready"));
      watch = RequestChecks.parseBool("watch", http.getParam("watch"));
    } catch (ApiException e) {
      error(http.response(), 400, "BadRequest", e.getMessage());
      return;
    }
    if (watch) {
      long timeoutSeconds;
      try {
        timeoutSeconds = timeoutSeconds(http.getParam("timeoutSeconds"));
      } catch (IllegalArgumentException e) {
        error(http.response(), 400, "BadRequest", e.getMessage());
        return;
      }
      watch(http, ns, svc, cluster, readyOnly, timeoutSeconds);
      return;
    }
    if (!index.known(ns, svc)) {
      error(
          http.response(),
          404,
          "NotFound",
          "service "
              + ns
              + "/"
              + svc
              + " is not exported by any member cluster: create a ServiceExport for it in the"
              + " member that runs it (or, through the hub, propagate one)");
      return;
    }
    InstanceIndex.Snapshot s = index.get(ns, svc);
    String etag = "\"" + s.revision() + "\"";
    String inm = http.getHeader("If-None-Match");
    if (inm != null && (inm.equals(etag) || inm.equals(s.revision()))) {
      http.response().setStatusCode(304).putHeader("ETag", etag).end();
      return;
    }
    http.response()
        .putHeader("ETag", etag)
        .setStatusCode(200)
        .putHeader("Content-Type", "application/json")
        .end(rendered(ns, svc, s, cluster, readyOnly));
  }

  /** The watch's lifetime, 0 for none; as kube-apiserver, a non-integer or negative is a 400. */
  static long timeoutSeconds(String value) {
    if (value == null || value.isEmpty()) {
      return 0;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0) {
        // Beyond a year is as good as never; the cap keeps the timer's millis from overflowing.
        return Math.min(seconds, 366L * 24 * 3600);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "invalid value for query parameter timeoutSeconds: \""
            + value
            + "\" (use a whole number of seconds, 0 or more)");
  }

  private void watch(
      HttpServerRequest http,
      String ns,
      String svc,
      String cluster,
      boolean readyOnly,
      long timeoutSeconds) {
    HttpServerResponse response = http.response();
    response.setChunked(true).putHeader("Content-Type", "application/json");
    Context context = Vertx.currentContext();
    String[] last = {null};
    Runnable[] stop = {null};
    java.util.function.Consumer<InstanceIndex.Snapshot> send =
        s ->
            context.runOnContext(
                v -> {
                  if (response.ended() || response.closed() || s.revision().equals(last[0])) {
                    return;
                  }
                  last[0] = s.revision();
                  response.write(rendered(ns, svc, s, cluster, readyOnly) + "\n");
                });
    stop[0] = index.watch(ns, svc, send);
    long[] timer = {-1};
    Runnable stopAll =
        () -> {
          stop[0].run();
          if (timer[0] >= 0) {
            context.owner().cancelTimer(timer[0]);
          }
        };
    response.closeHandler(v -> stopAll.run());
    http.connection().closeHandler(v -> stopAll.run());
    send.accept(index.get(ns, svc));
    if (timeoutSeconds > 0) {
      // As a Kubernetes watch with timeoutSeconds: the stream ends cleanly (the final chunk),
      // and the client lists or watches again from the last revision it saw.
      timer[0] =
          context
              .owner()
              .setTimer(
                  timeoutSeconds * 1000,
                  id -> {
                    stop[0].run();
                    if (!response.ended() && !response.closed()) {
                      response.end();
                    }
                  });
    }
  }

  /** The answer for one filter, serialized once per snapshot however many clients ask. */
  private static String rendered(
      String ns, String svc, InstanceIndex.Snapshot s, String cluster, boolean readyOnly) {
    return s.render(
        (readyOnly ? "ready:" : "all:") + (cluster == null ? "" : cluster),
        () -> list(ns, svc, s, cluster, readyOnly).toString());
  }

  static ObjectNode list(
      String ns, String svc, InstanceIndex.Snapshot s, String cluster, boolean readyOnly) {
    ObjectNode doc = InstanceIndex.MAPPER.createObjectNode();
    doc.put("kind", "InstanceList");
    doc.put("apiVersion", API_VERSION);
    doc.put("namespace", ns);
    doc.put("service", svc);
    doc.put("revision", s.revision());
    ArrayNode out = doc.putArray("instances");
    for (JsonNode i : s.instances()) {
      if (cluster != null && !cluster.equals(i.path("cluster").asText())) {
        continue;
      }
      if (readyOnly && !i.path("ready").asBoolean()) {
        continue;
      }
      out.add(i);
    }
    return doc;
  }

  private static void json(HttpServerResponse r, int code, JsonNode body) {
    r.setStatusCode(code).putHeader("Content-Type", "application/json").end(body.toString());
  }

  private static void error(HttpServerResponse r, int code, String reason, String message) {
    json(r, code, new ApiException(code, reason, message).toStatus());
  }

  @Override
  public void close() {
    index.close();
  }
}
