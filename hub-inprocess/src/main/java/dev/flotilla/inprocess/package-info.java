/**
 * The hub's own controllers reach the API server in the same JVM without a socket or TLS.
 *
 * <p>fabric8's {@code StandardHttpClient} keeps doing what it does for every transport (the bearer
 * token interceptor, retries with backoff, timeouts, URL building, JSON); {@link
 * dev.flotilla.inprocess.InProcessHttpClient} only replaces the wire. Each request becomes a {@link
 * dev.flotilla.inprocess.LocalExchange}, an {@code ApiExchange} that {@code HubServer
 * .serveInProcess} runs through the HTTPS pipeline's own steps: the Authorization header is
 * authenticated (the controllers are a real user RBAC evaluates, see {@link
 * dev.flotilla.inprocess.ControllerIdentity}), then impersonation, body limit, routing, RBAC,
 * admission, validation and storage on the server's workers.
 *
 * <p>Watches use fabric8's WebSocket watch by default ({@link
 * dev.flotilla.inprocess.LocalWebSocket}: each event goes to fabric8 as one whole message, one per
 * request, as over a real WebSocket) or, with {@code onlyHttpWatches}, HTTP streaming ({@code
 * WatchHTTPManager}, which splits the stream into lines a character at a time: 3% of the hub's CPU
 * samples in a 100-cluster burst, against 0.1% for the WebSocket). Either way the server writes
 * events from the watch's event loop and never waits; they queue (in a {@link
 * dev.flotilla.inprocess.ResponseBody} or the WebSocket) and are handed to fabric8 on a small
 * callback pool, so fabric8's parsing and informer dispatch never run on the server's threads. The
 * queue is bounded as the HTTPS watch's write queue is (16 MiB): a reader that far behind has its
 * watch ended by the server, and fabric8 re-watches from its last resourceVersion. Either side
 * ending the stream (a server timeout, the client closing the watch or the client itself) stops the
 * server's watch.
 *
 * <p>Left for later: the JSON round trip (fabric8 objects to bytes and back) and the controllers'
 * second copy of each object in their informers.
 */
package dev.flotilla.inprocess;
