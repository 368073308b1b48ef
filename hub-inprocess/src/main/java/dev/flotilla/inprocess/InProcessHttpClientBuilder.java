package dev.flotilla.inprocess;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Builds {@link InProcessHttpClient}s. TLS, proxy and timeout settings fabric8 passes from its
 * Config have nothing to apply to without a connection; interceptors (the bearer token,
 * impersonation headers) apply as for any client.
 */
public final class InProcessHttpClientBuilder
    extends StandardHttpClientBuilder<
        InProcessHttpClient, InProcessHttpClientFactory, InProcessHttpClientBuilder> {

  InProcessHttpClientBuilder(InProcessHttpClientFactory factory) {
    super(factory);
  }

  @Override
  public HttpClient build() {
    if (client != null) {
      // A derived client (fabric8 derives one per request config) shares the parent's open
      // streams and closed flag, as the JDK client's derived clients share its connection pool.
      return new InProcessHttpClient(this, client.streams(), client.getClosed());
    }
    return new InProcessHttpClient(this, new OpenStreams(), new AtomicBoolean());
  }

  @Override
  protected InProcessHttpClientBuilder newInstance(InProcessHttpClientFactory factory) {
    return new InProcessHttpClientBuilder(factory);
  }
}
