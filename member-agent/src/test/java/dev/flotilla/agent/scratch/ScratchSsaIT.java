package dev.flotilla.agent.scratch;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.*;
import dev.flotilla.apiserver.*;
import java.nio.file.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class ScratchSsaIT {
  @Test
  void probe() throws Exception {
    Path dir = Files.createTempDirectory("scratch");
    HubServer s = HubServer.create(new HubConfig(dir, "127.0.0.1", 0, Optional.empty(), List.of(), false)).start();
    KubernetesClient c = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(s.url())
        .withCaCertFile(s.certificateAuthority().caCertPath().toString()).withOauthToken(s.authenticator().adminToken()).build()).build();
    var cms = c.configMaps().inNamespace("default");
    ConfigMap a = new ConfigMapBuilder().withNewMetadata().withName("x").withLabels(Map.of("l1","v","l2","v")).endMetadata().withData(Map.of("a","1","b","2")).build();
    ConfigMap r1 = cms.resource(a).fieldManager("flotilla").forceConflicts().serverSideApply();
    System.out.println("PROBE after apply1: " + c.getKubernetesSerialization().asJson(r1));
    ConfigMap b = new ConfigMapBuilder().withNewMetadata().withName("x").withLabels(Map.of("l1","v")).endMetadata().withData(Map.of("a","1")).build();
    ConfigMap r2 = cms.resource(b).fieldManager("flotilla").forceConflicts().serverSideApply();
    System.out.println("PROBE after apply2: " + c.getKubernetesSerialization().asJson(r2));
    ConfigMap r3 = cms.resource(b).fieldManager("flotilla").forceConflicts().serverSideApply();
    System.out.println("PROBE same apply again rv: " + r2.getMetadata().getResourceVersion() + " -> " + r3.getMetadata().getResourceVersion());
    try {
      cms.withName("x").lockResourceVersion("1").delete();
      System.out.println("PROBE delete with stale rv precondition: succeeded (precondition not sent?) exists=" + (cms.withName("x").get() != null));
    } catch (KubernetesClientException e) {
      System.out.println("PROBE delete with stale rv precondition: " + e.getCode());
    }
    c.close();
    s.close();
  }
}
