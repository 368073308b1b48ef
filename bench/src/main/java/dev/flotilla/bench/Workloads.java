package dev.flotilla.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * What the MCS benchmarks create in simulated members, as a user of an ACK One style fleet would:
 * the MCS CRDs, namespaces, a Deployment with a Service, a ServiceExport, a ServiceImport.
 */
final class Workloads {
  static final String MCS = "multicluster.x-k8s.io/v1alpha1";

  private Workloads() {}

  /** The MCS CRDs Flotilla ships (from the policies jar) created in every member. */
  static void installMcsCrds(List<KubernetesClient> members) throws IOException {
    for (String file :
        List.of(
            "crds/multicluster.x-k8s.io_serviceexports.yaml",
            "crds/multicluster.x-k8s.io_serviceimports.yaml")) {
      byte[] yaml;
      try (InputStream in = Workloads.class.getClassLoader().getResourceAsStream(file)) {
        if (in == null) {
          throw new IllegalStateException(file + " is not on the class path");
        }
        yaml = in.readAllBytes();
      }
      members.parallelStream()
          .forEach(
              m -> {
                for (HasMetadata crd : m.load(new java.io.ByteArrayInputStream(yaml)).items()) {
                  m.resource(crd).createOr(x -> x.update());
                }
              });
    }
  }

  static void namespace(KubernetesClient c, String ns) {
    c.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .createOr(x -> x.update());
  }

  static void app(KubernetesClient c, String ns, String name, int replicas) {
    c.apps()
        .deployments()
        .inNamespace(ns)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(name)
                .withImage("example/" + name + ":1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    c.services()
        .inNamespace(ns)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", name)
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(80)
                .withNewTargetPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  static void export(KubernetesClient c, String ns, String name) {
    GenericKubernetesResource se = new GenericKubernetesResource();
    se.setApiVersion(MCS);
    se.setKind("ServiceExport");
    se.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    c.genericKubernetesResources(MCS, "ServiceExport").inNamespace(ns).resource(se).create();
  }

  static void importIn(KubernetesClient c, String ns, String name) {
    GenericKubernetesResource si = new GenericKubernetesResource();
    si.setApiVersion(MCS);
    si.setKind("ServiceImport");
    si.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).build());
    si.setAdditionalProperty(
        "spec",
        Map.of(
            "type",
            "ClusterSetIP",
            "ports",
            List.of(Map.of("name", "http", "port", 80, "protocol", "TCP"))));
    c.genericKubernetesResources(MCS, "ServiceImport").inNamespace(ns).resource(si).create();
  }

  static void scale(KubernetesClient c, String ns, String name, int replicas) {
    c.apps()
        .deployments()
        .inNamespace(ns)
        .withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }
}
