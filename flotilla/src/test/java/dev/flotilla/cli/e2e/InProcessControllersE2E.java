package dev.flotilla.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.fixtures.Await;
import dev.flotilla.inprocess.InProcessHttpClient;
import dev.flotilla.inprocess.InProcessHttpClientFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controllers wired as {@code flotilla hub} wires them, in process (no socket, no TLS) as their
 * own RBAC-bound identity: a template with a policy reaches every member and follows an update,
 * with agents on HTTPS as remote agents are.
 */
class InProcessControllersE2E {
  @RegisterExtension static final FleetExtension FLEET = new FleetExtension();

  @Test
  void templatePropagatesToEveryMemberWithControllersInProcess() {
    Fleet fleet = FLEET.fleet();
    InProcessHttpClientFactory transport =
        ((InProcessHttpClient) fleet.controllerClient().getHttpClient()).factory();
    long served = transport.served();
    String ns = fleet.newNamespace("inprocess");
    fleet.create(
        Propagation.configMapWithPolicy(
            ns, "everywhere", "{clusterAffinity: {clusterNames: [member1, member2, member3]}}"));
    List<String> members = List.of("member1", "member2", "member3");
    Propagation.awaitConfigMapExactlyIn(fleet, ns, "everywhere", members);
    fleet
        .hubClient()
        .configMaps()
        .inNamespace(ns)
        .withName("everywhere")
        .edit(cm -> new ConfigMapBuilder(cm).addToData("greeting", "updated").build());
    for (String member : members) {
      ConfigMap copy =
          Await.until(
              "the update in " + member,
              () -> {
                ConfigMap cm = Propagation.memberConfigMap(fleet, member, ns, "everywhere");
                return cm != null && "updated".equals(cm.getData().get("greeting")) ? cm : null;
              });
      assertEquals("updated", copy.getData().get("greeting"));
    }
    // The binding and Works were written by the controllers through the in-process transport.
    assertTrue(transport.served() > served, "requests through the in-process transport");
  }
}
