package dev.flotilla.agent.kube;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl;
import java.io.ByteArrayInputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * One JDK HTTP client (one selector thread, one connection pool) under many fabric8 clients: a
 * simulation economy for a process holding hundreds of simulated agents, whose clients would
 * otherwise hold a selector and connections each. Requests still carry each fabric8 client's own
 * token, timeouts and headers; what is shared is TLS trust (the union of the given CAs, fixed when
 * the transport is made) and the connections, so clients of one server multiplex over HTTP/2 where
 * it is offered. A real agent, alone in its process, builds its own clients ({@link
 * Fabric8Clients}).
 *
 * <p>The settings fabric8 derives from each client's config for its JDK client (TLS context from
 * that config's CA, connect timeout, proxy) do not apply here: a client whose server's CA is not in
 * the union fails its TLS handshake rather than being trusted by another CA's grace.
 */
public final class SharedJdkTransport extends JdkHttpClientFactory {
  private final HttpClient shared;

  private SharedJdkTransport(HttpClient shared) {
    this.shared = shared;
  }

  /**
   * A transport trusting exactly the PEM certificates given (each may hold several), offering
   * HTTP/2 (ALPN; HTTP/1.1 with servers that do not offer it).
   */
  public static SharedJdkTransport trusting(Collection<String> caPems) {
    return new SharedJdkTransport(
        HttpClient.newBuilder()
            .executor(Fabric8Clients.httpExecutor())
            .sslContext(sslContext(caPems))
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_2)
            .build());
  }

  /** A client builder on the shared pools and this transport; add the config and build. */
  public KubernetesClientBuilder builder() {
    return Fabric8Clients.builder().withHttpClientFactory(this);
  }

  /** The shared JDK client, e.g. to see which protocol a server was reached with. */
  public HttpClient httpClient() {
    return shared;
  }

  @Override
  protected HttpClient.Builder createNewHttpClientBuilder() {
    return new Fixed(shared);
  }

  @Override
  protected void closeHttpClient(JdkHttpClientImpl client) {
    // Shared by every client of the transport: closing one leaves it to the others.
  }

  private static SSLContext sslContext(Collection<String> caPems) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      int n = 0;
      for (String pem : caPems) {
        for (Certificate c :
            x509.generateCertificates(
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          trust.setCertificateEntry("ca-" + n++, c);
        }
      }
      if (n == 0) {
        throw new IllegalArgumentException("a shared transport needs at least one CA certificate");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot read the CA certificates: " + e.getMessage(), e);
    }
  }

  /**
   * What fabric8 configures per client goes nowhere (see the class comment); {@link #build()} hands
   * out the shared client.
   */
  private static final class Fixed implements HttpClient.Builder {
    private final HttpClient client;

    Fixed(HttpClient client) {
      this.client = client;
    }

    @Override
    public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
      return this;
    }

    @Override
    public HttpClient.Builder connectTimeout(Duration duration) {
      return this;
    }

    @Override
    public HttpClient.Builder sslContext(SSLContext sslContext) {
      return this;
    }

    @Override
    public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
      return this;
    }

    @Override
    public HttpClient.Builder executor(Executor executor) {
      return this;
    }

    @Override
    public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
      return this;
    }

    @Override
    public HttpClient.Builder version(HttpClient.Version version) {
      return this;
    }

    @Override
    public HttpClient.Builder priority(int priority) {
      return this;
    }

    @Override
    public HttpClient.Builder proxy(ProxySelector proxySelector) {
      return this;
    }

    @Override
    public HttpClient.Builder authenticator(Authenticator authenticator) {
      return this;
    }

    @Override
    public HttpClient build() {
      return client;
    }
  }
}
