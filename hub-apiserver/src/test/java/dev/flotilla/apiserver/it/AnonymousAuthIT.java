package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.HubConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --anonymous-auth} as kube-apiserver's: a request without credentials is {@code
 * system:anonymous} in {@code system:unauthenticated}, which the default policy lets read health
 * and version and nothing else (403 in upstream's words); a wrong token is still a 401.
 */
class AnonymousAuthIT {
  private static TestHub hub;

  @BeforeAll
  static void start() throws IOException {
    Path dir = Files.createTempDirectory("flotilla-anonymous");
    hub =
        TestHub.start(
            new HubConfig(dir, "127.0.0.1", 0, Optional.empty(), List.of(), true)
                .withSecurity(new HubConfig.Security(Optional.empty(), Optional.empty(), true)));
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  /** A request with no credentials at all, trusting the hub's CA. */
  private static HttpResponse<String> get(String path) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry(
        "hub",
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                Files.newInputStream(hub.server().certificateAuthority().caCertPath())));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder()
        .sslContext(tls)
        .build()
        .send(
            HttpRequest.newBuilder(URI.create(hub.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anonymousReadsVersionAndHealthOnly() throws Exception {
    assertEquals(200, get("/version").statusCode());
    assertEquals("ok", get("/livez").body().trim());
    HttpResponse<String> configMaps = get("/api/v1/namespaces/default/configmaps");
    assertEquals(403, configMaps.statusCode(), configMaps.body());
    JsonNode status = Fabric8Support.JSON.readTree(configMaps.body());
    assertEquals(
        "configmaps is forbidden: User \"system:anonymous\" cannot list resource \"configmaps\""
            + " in API group \"\" in the namespace \"default\"",
        status.path("message").asText());
    HttpResponse<String> discovery = get("/api");
    assertEquals(403, discovery.statusCode());
    assertEquals(
        "forbidden: User \"system:anonymous\" cannot get path \"/api\"",
        Fabric8Support.JSON.readTree(discovery.body()).path("message").asText());
    try (var stranger = hub.client("not-a-token")) {
      Fabric8Support.failsWith(
          401, "Unauthorized", () -> stranger.configMaps().inNamespace("default").list());
    }
  }
}
