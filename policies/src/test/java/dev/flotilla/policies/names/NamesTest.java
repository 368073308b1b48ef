package dev.flotilla.policies.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

  @ParameterizedTest(name = "bindingName({0}, {1}) = {2}")
  @CsvSource({
    "nginx, Deployment, nginx-deployment",
    "Pod, pods, pod-pods",
    "system:controller:tom, Role, system.controller.tom-role",
    "serve, Service, serve-service",
  })
  void bindingName(String name, String kind, String expected) {
    assertEquals(expected, Names.bindingName(name, kind));
  }

  // Expected values computed independently: FNV-32a of the lowercased "<ns>-<name>-<kind>", in
  // decimal,
  // each digit mapped onto "bcdfghjklmnpqrstvwxz2456789".
  @ParameterizedTest(name = "workName({0}, {1}, {2}) = {3}")
  @CsvSource({
    "default, nginx, Deployment, nginx-687f7fb96f",
    "'', cluster-admin, ClusterRole, cluster-admin-85bdfb69bd",
    "default, Work:Pod, Pods, work.pod-85bc474696",
    "demo, serve, Service, serve-69b86f9f58",
  })
  void workName(String namespace, String name, String kind, String expected) {
    assertEquals(expected, Names.workName(namespace, name, kind));
  }

  @ParameterizedTest(name = "clusterOf({0}) = {1}")
  @CsvSource({
    "karmada-es-member1, member1",
    "karmada-es-, ''",
    "default, ",
  })
  void clusterOf(String namespace, String cluster) {
    assertEquals(Optional.ofNullable(cluster), Names.clusterOf(namespace));
    if (cluster != null && !cluster.isEmpty()) {
      assertEquals(namespace, Names.executionNamespace(cluster));
    }
  }

  @ParameterizedTest(name = "isReservedNamespace({0}) = {1}")
  @CsvSource({
    "karmada-system, true",
    "karmada-cluster, true",
    "karmada-es-member1, true",
    "default, false",
    "kube-system, false",
  })
  void reservedNamespaces(String namespace, boolean reserved) {
    assertEquals(reserved, Names.isReservedNamespace(namespace));
  }

  @ParameterizedTest(name = "fnv32a({0}) = {1}")
  @CsvSource({
    "'', 2166136261",
    "a, 3826002220",
    "default-nginx-deployment, 2439396529",
  })
  void fnv32a(String text, long hash) {
    assertEquals(hash, Names.fnv32a(text));
  }
}
