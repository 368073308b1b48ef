package dev.flotilla.apiserver.it;

import static dev.flotilla.apiserver.it.Fabric8Support.await;
import static dev.flotilla.apiserver.it.Fabric8Support.newNamespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.flotilla.fixtures.KubectlRunner;
import dev.flotilla.fixtures.KubectlRunner.Binary;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every namespace has a ServiceAccount {@code default}, new ones included, and it comes back when
 * deleted, as kube-controller-manager's serviceaccount controller keeps it; {@code kubectl create
 * token default} works in a fresh namespace with kubectl 1.27 and 1.33.
 */
class DefaultServiceAccountIT {
  private static TestHub hub;
  private static KubernetesClient client;

  static Stream<Binary> binaries() {
    List<Binary> all = KubectlRunner.installed();
    List<Binary> wanted = all.stream().filter(b -> Set.of(27, 33).contains(b.minor())).toList();
    return (wanted.isEmpty() ? all : wanted).stream();
  }

  @BeforeAll
  static void start() {
    hub = TestHub.start();
    client = hub.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    hub.close();
  }

  private static ServiceAccount account(String ns) {
    return client.serviceAccounts().inNamespace(ns).withName("default").get();
  }

  @Test
  void everyNamespaceHasOneAndADeletedOneComesBack() {
    for (String ns : new String[] {"default", "kube-system", "kube-public"}) {
      await("ServiceAccount default in " + ns, () -> account(ns) != null);
    }
    String ns = newNamespace(client, "sa");
    await("ServiceAccount default in a new namespace", () -> account(ns) != null);
    String uid = account(ns).getMetadata().getUid();
    client.serviceAccounts().inNamespace(ns).withName("default").delete();
    await(
        "ServiceAccount default recreated",
        () -> account(ns) != null && !account(ns).getMetadata().getUid().equals(uid));
    assertEquals(1, client.serviceAccounts().inNamespace(ns).list().getItems().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void kubectlCreatesATokenForIt(Binary binary) {
    assumeFalse(KubectlRunner.installed().isEmpty(), KubectlRunner.notInstalledMessage());
    String ns = newNamespace(client, "sa-token");
    await("ServiceAccount default", () -> account(ns) != null);
    try (KubectlRunner kubectl = KubectlRunner.of(binary, hub.kubeconfig())) {
      String token = kubectl.run("create", "token", "default", "-n", ns).assertOk().stdout().trim();
      try (KubernetesClient asDefault = hub.client(token)) {
        Fabric8Support.failsWith(
            403, "Forbidden", () -> asDefault.secrets().inNamespace(ns).list());
      }
    }
  }
}
