package dev.flotilla.apiserver.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    assertEquals(lane, WorkerLane.of(method, path));
  }
}
