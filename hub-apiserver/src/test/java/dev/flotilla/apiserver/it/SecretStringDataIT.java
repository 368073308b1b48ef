package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Secret's stringData is merged into data (base64, winning over a key of the same name) on
 * create, update and every patch type, and is never stored or returned, as kube-apiserver does.
 */
class SecretStringDataIT {
  private static TestHub hub;
  private static KubernetesClient client;
  private static String ns;

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
    ns = newNamespace(client, "stringdata");
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The Secret as stored and served, checked for the absence of stringData on the wire. */
  private static Secret read(String name) throws Exception {
    String raw = client.raw(hub.url() + "/api/v1/namespaces/" + ns + "/secrets/" + name);
    // managedFields may name f:stringData (the writer set it), as upstream's do; the object not.
    assertFalse(Fabric8Support.JSON.readTree(raw).has("stringData"), raw);
    return client.secrets().inNamespace(ns).withName(name).get();
  }

  @Test
  void createMergesAndDropsStringData() throws Exception {
    Secret created =
        client
            .secrets()
            .inNamespace(ns)
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("creds")
                    .endMetadata()
                    .addToData("user", b64("admin"))
                    .addToData("password", b64("old"))
                    .addToStringData("password", "hunter2")
                    .addToStringData("note", "grüße")
                    .build())
            .create();
    Map<String, String> expected =
        Map.of("user", b64("admin"), "password", b64("hunter2"), "note", b64("grüße"));
    assertEquals(expected, created.getData());
    assertTrue(created.getStringData() == null || created.getStringData().isEmpty());
    assertEquals("Opaque", created.getType());
    Secret stored = read("creds");
    assertEquals(expected, stored.getData());
  }

  @Test
  void updateAndPatchesMergeStringData() throws Exception {
    client
        .secrets()
        .inNamespace(ns)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("rotating")
                .endMetadata()
                .addToData("token", b64("one"))
                .build())
        .create();

    Secret current = read("rotating");
    current.setStringData(Map.of("token", "two"));
    Secret updated = client.secrets().inNamespace(ns).resource(current).update();
    assertEquals(Map.of("token", b64("two")), updated.getData());
    read("rotating");

    client
        .secrets()
        .inNamespace(ns)
        .withName("rotating")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"stringData\":{\"token\":\"three\"}}");
    assertEquals(Map.of("token", b64("three")), read("rotating").getData());

    client
        .secrets()
        .inNamespace(ns)
        .withName("rotating")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"stringData\":{\"extra\":\"four\"}}");
    assertEquals(Map.of("token", b64("three"), "extra", b64("four")), read("rotating").getData());

    client
        .secrets()
        .inNamespace(ns)
        .withName("rotating")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"add\",\"path\":\"/stringData\",\"value\":{\"token\":\"five\"}}]");
    Secret patched = read("rotating");
    assertEquals(Map.of("token", b64("five"), "extra", b64("four")), patched.getData());
  }
}
