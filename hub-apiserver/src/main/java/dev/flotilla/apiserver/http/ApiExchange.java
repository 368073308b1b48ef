package dev.flotilla.apiserver.http;

import io.vertx.core.MultiMap;

/**
 * One API request that reaches the router without a socket (an in-process client such as the hub's
 * own controllers): the request as an HTTP client would send it, and the two ways its answer
 * leaves. The pipeline is the one HTTPS requests take: the {@code Authorization} header is
 * authenticated, the user authorized by RBAC, writes admitted and validated, watches fed from the
 * store's event log.
 */
public interface ApiExchange {
  /** The HTTP method, upper case (GET, POST, PUT, PATCH, DELETE). */
  String method();

  /** The raw (still percent-encoded) path, e.g. {@code /api/v1/namespaces/a/configmaps}. */
  String path();

  /** The raw query string without '?', or null. */
  String query();

  /** Request headers, case-insensitive (Authorization, Content-Type, Accept, Impersonate-*). */
  MultiMap headers();

  /** The request body; empty when there is none. */
  byte[] body();

  /**
   * The whole answer (a result or a Kubernetes Status); called once, on a server worker or store
   * thread, so the implementation hands it to its own threads and returns at once.
   */
  void reply(Reply reply);

  /**
   * Starts a streamed 200 answer (a watch) and returns where its events go. Called once instead of
   * {@link #reply}, on an event loop; the sink is used on that loop only and must never block.
   */
  WatchSink stream(String contentType);
}
