package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ConfigMap {@code kube-root-ca.crt} holds the hub's CA in every namespace, new ones included, and
 * comes back when deleted or edited, as kube-controller-manager's root-ca-cert-publisher keeps it.
 */
class RootCaConfigMapIT {
  private static final String NAME = "kube-root-ca.crt";
  private static TestHub hub;
  private static KubernetesClient client;
  private static String caPem;

  @BeforeAll
  static void start() throws Exception {
    hub = TestHub.start();
    client = hub.client();
    caPem = Files.readString(hub.dataDir().resolve("pki").resolve("ca.crt"));
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static boolean published(String ns) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(NAME).get();
    return cm != null && Map.of("ca.crt", caPem).equals(cm.getData());
  }

  @Test
  void everyNamespaceHasTheHubCa() {
    for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
      await(NAME + " in " + ns, () -> published(ns));
    }
    String ns = newNamespace(client, "rootca");
    await(NAME + " in a new namespace", () -> published(ns));
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(NAME).get();
    assertFalse(
        cm.getMetadata().getAnnotations().getOrDefault("kubernetes.io/description", "").isEmpty());
    assertEquals(caPem.trim(), cm.getData().get("ca.crt").trim());
  }

  @Test
  void deletedIsRecreated() {
    String ns = newNamespace(client, "rootca-del");
    await(NAME + " published", () -> published(ns));
    String uid = client.configMaps().inNamespace(ns).withName(NAME).get().getMetadata().getUid();
    client.configMaps().inNamespace(ns).withName(NAME).delete();
    await(
        NAME + " recreated",
        () -> {
          ConfigMap cm = client.configMaps().inNamespace(ns).withName(NAME).get();
          return cm != null && !cm.getMetadata().getUid().equals(uid) && published(ns);
        });
  }

  @Test
  void editedIsRestored() {
    String ns = newNamespace(client, "rootca-edit");
    await(NAME + " published", () -> published(ns));
    client
        .configMaps()
        .inNamespace(ns)
        .withName(NAME)
        .edit(
            cm -> {
              cm.setData(Map.of("ca.crt", "not a certificate", "extra", "x"));
              return cm;
            });
    await(NAME + " restored", () -> published(ns));
  }
}
