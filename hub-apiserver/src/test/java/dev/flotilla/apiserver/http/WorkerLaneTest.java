package dev.flotilla.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.rbac.BootstrapPolicy;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerLaneTest {
  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    // Work writes that fan out wait in the bulk lane.
    "POST,   /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works,              BULK",
    "PUT,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,           BULK",
    "PATCH,  /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,           BULK",
    // Reads: an agent's list or watch set-up lets it apply what was written.
    "GET,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works,              ORDINARY",
    "GET,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,           ORDINARY",
    "GET,    /apis/work.karmada.io/v1alpha1/works,                                       ORDINARY",
    // Deletes and status are no fan-out.
    "DELETE, /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,           ORDINARY",
    "DELETE, /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works,              ORDINARY",
    "PUT,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1/status,    ORDINARY",
    "PATCH,  /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1/status,    ORDINARY",
    // Other kinds of the group, and other groups.
    "POST,   /apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings,         ORDINARY",
    "POST,   /api/v1/namespaces/default/configmaps,                                      ORDINARY",
    // Segments, not substrings: a namespace named works, a Work named status.
    "POST,   /apis/work.karmada.io/v1alpha2/namespaces/works/resourcebindings,           ORDINARY",
    "PUT,    /apis/work.karmada.io/v1alpha2/namespaces/works/resourcebindings/works,     ORDINARY",
    "PUT,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/status,       BULK",
    "POST,   /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works?dryRun=All,   BULK",
    // Leases first, whatever the method.
    "PUT,    /apis/coordination.k8s.io/v1/namespaces/karmada-cluster/leases/m1,          URGENT",
    "GET,    /apis/coordination.k8s.io/v1/namespaces/karmada-cluster/leases/m1,          URGENT",
  })
  void theLaneFollowsMethodAndPath(String method, String path, WorkerLane lane) {
    assertEquals(lane, WorkerLane.of(method, path, null));
  }

  private static final UserInfo CONTROLLERS =
      new UserInfo(
          BootstrapPolicy.CONTROLLER_MANAGER,
          "",
          List.of(BootstrapPolicy.CONTROLLER_MANAGER_GROUP, "system:authenticated"));

  @ParameterizedTest(name = "controllers: {0} {1} -> {2}")
  @CsvSource({
    // The scheduler's and binding controller's binding writes, and their other requests.
    "PUT,    /apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/b1,        CONTROL",
    "PUT,    /apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/b1/status, CONTROL",
    "PATCH,  /apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/b1/status, CONTROL",
    "POST,   /apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings,           CONTROL",
    "GET,    /apis/work.karmada.io/v1alpha2/resourcebindings,                              CONTROL",
    "POST,   /api/v1/namespaces/default/events,                                            CONTROL",
    "DELETE, /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,             CONTROL",
    // Their Work writes fan out: bulk, as anyone's. Their leases stay urgent.
    "POST,   /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works,                BULK",
    "PUT,    /apis/work.karmada.io/v1alpha1/namespaces/karmada-es-m1/works/w1,             BULK",
    "PUT,    /apis/coordination.k8s.io/v1/namespaces/karmada-system/leases/controllers,    URGENT",
  })
  void theControllersWaitInTheControlLane(String method, String path, WorkerLane lane) {
    assertEquals(lane, WorkerLane.of(method, path, CONTROLLERS));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // An agent, the admin, and names or groups alone: only the controllers' user in its group.
    "system:agent:m1,                     system:agents",
    "kubernetes-admin,                    system:masters",
    "system:flotilla-controller-manager,  system:masters",
    "m1,                                  system:flotilla-controllers",
  })
  void nobodyElseGetsTheControlLane(String name, String group) {
    UserInfo user = new UserInfo(name.trim(), "", List.of(group.trim()));
    assertEquals(
        WorkerLane.ORDINARY,
        WorkerLane.of(
            "PUT", "/apis/work.karmada.io/v1alpha2/namespaces/default/resourcebindings/b1", user));
  }
}
