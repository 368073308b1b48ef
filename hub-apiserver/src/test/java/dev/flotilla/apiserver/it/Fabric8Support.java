package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flotilla.apiserver.HubServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.function.Executable;

/** Shared helpers of the fabric8 integration tests: polling, namespaces, raw HTTP, failures. */
final class Fabric8Support {
  /** Generous: asynchronous controllers on a busy CI machine. */
  static final Duration WAIT = Duration.ofSeconds(60);

  static final ObjectMapper JSON = new ObjectMapper();

  private Fabric8Support() {}

  /** Polls until {@code condition} holds, failing after {@link #WAIT}. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + WAIT.toSeconds() + "s waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for: " + what);
      }
    }
  }

  /** Creates a namespace named {@code base-xxxxx} and returns its name. */
  static String newNamespace(KubernetesClient client, String base) {
    String name = base + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  static ConfigMap configMap(String name, Map<String, String> labels, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withData(data)
        .build();
  }

  /** Asserts that {@code call} fails with HTTP {@code code} and returns the failure. */
  static KubernetesClientException fails(int code, Executable call) {
    KubernetesClientException e = assertThrows(KubernetesClientException.class, call);
    assertEquals(code, e.getCode(), () -> "HTTP code of " + e.getMessage());
    return e;
  }

  /** Asserts a failure with HTTP {@code code} whose Status carries {@code reason}. */
  static KubernetesClientException failsWith(int code, String reason, Executable call) {
    KubernetesClientException e = fails(code, call);
    assertEquals(
        reason,
        e.getStatus() == null ? null : e.getStatus().getReason(),
        () -> "Status reason of " + e.getMessage());
    return e;
  }

  /** A raw response: status code and body. */
  record Raw(int code, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (" + code + "): " + body, e);
      }
    }
  }

  /** Sends a request through the client's own HTTP stack (its token, its TLS trust). */
  static Raw raw(KubernetesClient client, String method, String path) {
    return raw(client, method, path, "application/json", method.equals("DELETE") ? null : "{}");
  }

  /** As {@link #raw(KubernetesClient, String, String)}, with a body of {@code contentType}. */
  static Raw raw(
      KubernetesClient client, String method, String path, String contentType, String body) {
    HttpClient http = client.getHttpClient();
    String url = client.getMasterUrl().toString().replaceAll("/$", "") + path;
    HttpRequest.Builder builder = http.newHttpRequestBuilder().uri(url);
    if (!method.equals("GET")) {
      builder.method(method, contentType, body);
    }
    try {
      HttpResponse<String> response =
          http.sendAsync(builder.build(), String.class).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      return new Raw(response.code(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  /**
   * A client of {@code hub} with {@code token}, built from an empty configuration (no local
   * kubeconfig or environment can leak in), with further settings applied by {@code tweak}.
   */
  static KubernetesClient client(TestHub hub, String token, UnaryOperator<ConfigBuilder> tweak) {
    return client(hub.server(), token, tweak);
  }

  static KubernetesClient client(
      HubServer server, String token, UnaryOperator<ConfigBuilder> tweak) {
    ConfigBuilder builder =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url())
            .withCaCertFile(server.certificateAuthority().caCertPath().toString())
            .withOauthToken(token)
            .withRequestTimeout(30_000);
    return new KubernetesClientBuilder().withConfig(tweak.apply(builder).build()).build();
  }
}
