package dev.flotilla.apiserver.defaults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The built-in defaults, with expectations taken from what a kube-apiserver 1.33 stores for the
 * same manifests (the values {@code kubectl get -o yaml} and {@code describe} show there).
 */
class BuiltinDefaultsTest {
  private static final ResourceType DEPLOYMENTS = type("apps", "deployments");
  private static final ResourceType SERVICES = type("", "services");

  private final List<JsonNode> storedServices = new ArrayList<>();
  private final ServiceDefaults services =
      new ServiceDefaults(new ServiceAddresses(() -> storedServices, new Random(7)));

  private static ResourceType type(String group, String plural) {
    return BuiltinCatalogue.get().types().stream()
        .filter(t -> t.group().equals(group) && t.plural().equals(plural))
        .findFirst()
        .orElseThrow();
  }

  private static ObjectNode yaml(String text) {
    return Json.parseObject(text.getBytes(StandardCharsets.UTF_8), true);
  }

  @Test
  void deploymentGetsRollingUpdateHistoryAndPodDefaults() {
    ObjectNode d =
        yaml(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: web, image: nginx, ports: [{containerPort: 80}]}
                  - {name: side, image: "busybox:1.36"}
            """);
    new WorkloadDefaults().beforeCreate(DEPLOYMENTS, d);
    JsonNode spec = d.get("spec");
    assertEquals(1, spec.path("replicas").asInt());
    assertEquals(10, spec.path("revisionHistoryLimit").asInt());
    assertEquals(600, spec.path("progressDeadlineSeconds").asInt());
    assertEquals(
        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}",
        spec.path("strategy").toString());
    JsonNode pod = spec.at("/template/spec");
    assertEquals("Always", pod.path("restartPolicy").asText());
    assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
    assertEquals("ClusterFirst", pod.path("dnsPolicy").asText());
    assertEquals("default-scheduler", pod.path("schedulerName").asText());
    assertTrue(pod.path("securityContext").isObject());
    assertEquals("Always", pod.at("/containers/0/imagePullPolicy").asText(), "untagged");
    assertEquals("IfNotPresent", pod.at("/containers/1/imagePullPolicy").asText(), "tagged");
    assertEquals("TCP", pod.at("/containers/0/ports/0/protocol").asText());
    assertEquals("/dev/termination-log", pod.at("/containers/1/terminationMessagePath").asText());
    assertEquals("File", pod.at("/containers/1/terminationMessagePolicy").asText());
  }

  @Test
  void recreateStrategyGetsNoRollingUpdateAndSetValuesStay() {
    ObjectNode d =
        yaml(
            "spec: {replicas: 0, strategy: {type: Recreate}, template: {spec: {restartPolicy:"
                + " Never, containers: [{name: a, image: 'x:latest', imagePullPolicy: Never}]}}}");
    new WorkloadDefaults().beforeCreate(DEPLOYMENTS, d);
    assertEquals("{\"type\":\"Recreate\"}", d.at("/spec/strategy").toString());
    assertEquals(0, d.at("/spec/replicas").asInt());
    assertEquals("Never", d.at("/spec/template/spec/restartPolicy").asText());
    assertEquals("Never", d.at("/spec/template/spec/containers/0/imagePullPolicy").asText());
  }

  @Test
  void imagesPullAlwaysOnlyWithoutTagOrWithLatest() {
    assertTrue(PodTemplateDefaults.pullsAlways("nginx"));
    assertTrue(PodTemplateDefaults.pullsAlways("nginx:latest"));
    assertTrue(PodTemplateDefaults.pullsAlways("registry:5000/team/nginx"));
    assertFalse(PodTemplateDefaults.pullsAlways("registry:5000/team/nginx:1.25"));
    assertFalse(PodTemplateDefaults.pullsAlways("nginx@sha256:abc"));
  }

  @Test
  void serviceGetsClusterIpFamiliesAffinityAndPortDefaults() {
    ObjectNode s = yaml("spec: {selector: {app: web}, ports: [{name: http, port: 80}]}");
    services.beforeCreate(SERVICES, s);
    JsonNode spec = s.get("spec");
    assertEquals("ClusterIP", spec.path("type").asText());
    assertEquals("None", spec.path("sessionAffinity").asText());
    String ip = spec.path("clusterIP").asText();
    assertTrue(ip.matches("10\\.(9[6-9]|10[0-9]|11[01])\\.\\d+\\.\\d+"), ip);
    assertNotEquals("10.96.0.1", ip);
    assertEquals("[\"" + ip + "\"]", spec.path("clusterIPs").toString());
    assertEquals("[\"IPv4\"]", spec.path("ipFamilies").toString());
    assertEquals("SingleStack", spec.path("ipFamilyPolicy").asText());
    assertEquals("Cluster", spec.path("internalTrafficPolicy").asText());
    assertEquals("TCP", spec.at("/ports/0/protocol").asText());
    assertEquals(80, spec.at("/ports/0/targetPort").asInt());
    assertFalse(spec.has("externalTrafficPolicy"));
    assertFalse(spec.at("/ports/0").has("nodePort"));
  }

  @Test
  void allocatedClusterIpsAreNotHandedOutTwice() {
    ServiceAddresses tiny = new ServiceAddresses(() -> storedServices, new Random(1));
    String first = tiny.allocateClusterIp();
    storedServices.add(yaml("spec: {clusterIP: " + first + ", clusterIPs: [" + first + "]}"));
    ServiceAddresses sameSeed = new ServiceAddresses(() -> storedServices, new Random(1));
    assertNotEquals(
        first, sameSeed.allocateClusterIp(), "the same random pick is taken, so skip it");
  }

  @Test
  void nodePortServicesGetNodePortsAndTrafficPolicy() {
    ObjectNode s = yaml("spec: {type: NodePort, ports: [{port: 80, targetPort: web}]}");
    services.beforeCreate(SERVICES, s);
    int nodePort = s.at("/spec/ports/0/nodePort").asInt();
    assertTrue(nodePort >= 30000 && nodePort <= 32767, "nodePort " + nodePort);
    assertEquals("web", s.at("/spec/ports/0/targetPort").asText(), "named target port stays");
    assertEquals("Cluster", s.at("/spec/externalTrafficPolicy").asText());
  }

  @Test
  void externalNameAndHeadlessServicesGetNoAllocatedIp() {
    ObjectNode external = yaml("spec: {type: ExternalName, externalName: db.example.com}");
    services.beforeCreate(SERVICES, external);
    assertFalse(external.get("spec").has("clusterIP"));
    ObjectNode headless = yaml("spec: {clusterIP: None, ports: [{port: 53, protocol: UDP}]}");
    services.beforeCreate(SERVICES, headless);
    assertEquals("[\"None\"]", headless.at("/spec/clusterIPs").toString());
    assertEquals("UDP", headless.at("/spec/ports/0/protocol").asText());
  }

  @Test
  void updateKeepsAllocatedAddressesAndRefusesANewClusterIp() {
    ObjectNode old = yaml("metadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}");
    services.beforeCreate(SERVICES, old);
    ObjectNode replaced =
        yaml("metadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}");
    services.beforeUpdate(SERVICES, old, replaced);
    assertEquals(old.at("/spec/clusterIP"), replaced.at("/spec/clusterIP"));
    assertEquals(old.at("/spec/clusterIPs"), replaced.at("/spec/clusterIPs"));
    assertEquals(old.at("/spec/ports/0/nodePort"), replaced.at("/spec/ports/0/nodePort"));

    ObjectNode moved =
        yaml("metadata: {name: web}\nspec: {clusterIP: 10.96.7.7, ports: [{port: 80}]}");
    ApiException e =
        assertThrows(ApiException.class, () -> services.beforeUpdate(SERVICES, old, moved));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("spec.clusterIPs[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("may not change once set"), e.getMessage());
  }

  // kube-apiserver drops type-dependent fields on update: `kubectl patch svc web -p
  // '{"spec":{"type":"ClusterIP"}}'` on a NodePort Service leaves no node port behind.
  @Test
  void changingToClusterIpDropsNodePortsAndExternalTrafficPolicy() {
    ObjectNode old = yaml("metadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}");
    services.beforeCreate(SERVICES, old);
    ObjectNode changed = old.deepCopy();
    ((ObjectNode) changed.get("spec")).put("type", "ClusterIP");
    services.beforeUpdate(SERVICES, old, changed);
    assertFalse(changed.at("/spec/ports/0").has("nodePort"));
    assertFalse(changed.get("spec").has("externalTrafficPolicy"));
    assertEquals(old.at("/spec/clusterIP"), changed.at("/spec/clusterIP"));
  }
}
