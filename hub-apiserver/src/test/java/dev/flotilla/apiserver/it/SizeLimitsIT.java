package dev.flotilla.apiserver.it;

import static dev.flotilla.fixtures.RawHttp.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.RawHttp;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.http.HttpResponse;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Size and syntax limits as upstream: ConfigMap and Secret data at most 1 MiB (issue 9 stored a 2
 * MB ConfigMap and propagated it to every member), annotations at most 256 KiB in total, label and
 * annotation keys and label values validated, and an object whose stored form would pass the
 * store's limit refused with 413; every refusal with upstream's wording and nothing stored.
 */
class SizeLimitsIT {
  private static final String NS = "sizes";
  private static final String CMS = "/api/v1/namespaces/" + NS + "/configmaps";
  private static final int MIB = 1024 * 1024;
  @RegisterExtension static final RawHub rig = RawHub.withNamespace(NS);
  private static final RawHttp http = rig.http();

  @Test
  void configMapOverOneMebibyteIsRefused() {
    try (KubernetesClient client = rig.hub().client()) {
      KubernetesClientException e =
          assertThrows(
              KubernetesClientException.class,
              () ->
                  client
                      .configMaps()
                      .inNamespace(NS)
                      .resource(
                          new ConfigMapBuilder()
                              .withNewMetadata()
                              .withName("big")
                              .endMetadata()
                              .addToData("a", "x".repeat(MIB))
                              .addToData("b", "x".repeat(MIB))
                              .build())
                      .create());
      assertEquals(422, e.getCode(), e.getMessage());
      assertTrue(
          e.getMessage().contains("Too long: may not be more than 1048576 bytes"), e.getMessage());
      assertEquals(null, client.configMaps().inNamespace(NS).withName("big").get());
    }
    // At the limit exactly is fine; one byte over through binaryData is not.
    String exact =
        "{\"metadata\":{\"name\":\"exact\"},\"data\":{\"a\":\"" + "x".repeat(MIB) + "\"}}";
    assertEquals(201, http.send("POST", CMS, "application/json", exact).statusCode());
    String over =
        "{\"metadata\":{\"name\":\"over\"},\"data\":{\"a\":\""
            + "x".repeat(MIB)
            + "\"},\"binaryData\":{\"b\":\"eA==\"}}";
    assertStatus(
        http.send("POST", CMS, "application/json", over),
        422,
        "Invalid",
        "Too long: may not be more than 1048576 bytes");
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"badkey\"},\"data\":{\"a b\":\"x\"}}"),
        422,
        "Invalid",
        "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric");
  }

  @Test
  void secretOverOneMebibyteIsRefused() {
    String data = Base64.getEncoder().encodeToString(new byte[MIB + 1]);
    assertStatus(
        http.send(
            "POST",
            "/api/v1/namespaces/" + NS + "/secrets",
            "application/json",
            "{\"metadata\":{\"name\":\"big\"},\"data\":{\"k\":\"" + data + "\"}}"),
        422,
        "Invalid",
        "data: Too long: may not be more than 1048576 bytes");
    assertEquals(404, http.get("/api/v1/namespaces/" + NS + "/secrets/big").statusCode());
  }

  @Test
  void annotationsOver256KibibytesAndBadLabelsAreRefused() {
    String annotations = "{\"a\":\"" + "x".repeat(256 * 1024) + "\"}";
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"ann\",\"annotations\":" + annotations + "}}"),
        422,
        "Invalid",
        "metadata.annotations: Too long: may not be more than 262144 bytes");
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"lbl\",\"labels\":{\"bad key!\":\"v\"}}}"),
        422,
        "Invalid",
        "metadata.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric");
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"lbl\",\"labels\":{\"k\":\"" + "v".repeat(64) + "\"}}}"),
        422,
        "Invalid",
        "must be no more than 63 characters");
    assertStatus(
        http.send(
            "POST",
            CMS,
            "application/json",
            "{\"metadata\":{\"name\":\"lbl\",\"annotations\":{\"-bad\":\"v\"}}}"),
        422,
        "Invalid",
        "metadata.annotations: Invalid value: \"-bad\"");
    // Labels on a custom resource are checked the same way.
    assertStatus(
        http.send(
            "POST",
            "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works",
            "application/json",
            "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":{"
                + "\"name\":\"w\",\"labels\":{\"a/b/c\":\"v\"}},\"spec\":{}}"),
        422,
        "Invalid",
        "metadata.labels: Invalid value: \"a/b/c\"");
    assertEquals(404, http.get(CMS + "/lbl").statusCode());
    assertEquals(404, http.get(CMS + "/ann").statusCode());
  }

  @Test
  void objectOverTheStoresLimitIsRefusedWith413() {
    // A Work's manifests take anything: 2 MB of it fits the 3 MiB request limit but not the store.
    String big = "{\"k\":\"" + "x".repeat(2 * 1000 * 1000) + "\"}";
    HttpResponse<String> r =
        http.send(
            "POST",
            "/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works",
            "application/json",
            "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":{"
                + "\"name\":\"huge\"},\"spec\":{\"workload\":{\"manifests\":[{\"apiVersion\":\"v1\","
                + "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":"
                + big
                + "}]}}}");
    assertStatus(r, 413, "RequestEntityTooLarge", "etcdserver: request is too large");
    assertEquals(
        404,
        http.get("/apis/work.karmada.io/v1alpha1/namespaces/" + NS + "/works/huge").statusCode());
  }
}
