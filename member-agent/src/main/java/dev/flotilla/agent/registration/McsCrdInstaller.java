package dev.flotilla.agent.registration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.agent.execution.KarmadaMarks;
import dev.flotilla.agent.kube.ApiErrors;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.crd.CrdManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the MCS CRDs ({@code serviceexports} and {@code serviceimports} of {@code
 * multicluster.x-k8s.io}, the definitions the hub serves) in the member when it joins, as ACK One's
 * fleet does, so that ServiceExports and ServiceImports can be created in the member at once. A CRD
 * already there is left as it is. What the agent creates is marked {@link
 * KarmadaMarks#AGENT_INSTALLED}: a Work that later propagates the same CRD (Karmada's walkthrough)
 * takes it over without a conflict, and gives it back rather than deleting it when it goes.
 */
public final class McsCrdInstaller {
  public static final String NAME = "mcs-crd-installer";
  private static final Logger LOG = LoggerFactory.getLogger(McsCrdInstaller.class);

  /** The manifests installed, by classpath resource name. */
  static final List<String> MANIFESTS =
      List.of(
          "crds/multicluster.x-k8s.io_serviceexports.yaml",
          "crds/multicluster.x-k8s.io_serviceimports.yaml");

  private static final ResourceDefinitionContext CRDS =
      new ResourceDefinitionContext.Builder()
          .withGroup("apiextensions.k8s.io")
          .withVersion("v1")
          .withKind("CustomResourceDefinition")
          .withPlural("customresourcedefinitions")
          .withNamespaced(false)
          .build();

  private final KubernetesClient member;
  private final String cluster;

  public McsCrdInstaller(KubernetesClient member, String cluster) {
    this.member = member;
    this.cluster = cluster;
  }

  /**
   * Creates each MCS CRD the member lacks; returns the names created. Throws when the member cannot
   * be reached or refuses (the caller retries).
   */
  public List<String> install() {
    List<String> created = new ArrayList<>();
    for (String resource : MANIFESTS) {
      ObjectNode crd = CrdManifests.load(resource);
      String name = Json.name(crd);
      var op = member.genericKubernetesResources(CRDS).withName(name);
      if (op.get() != null) {
        continue;
      }
      Json.child(Json.metadata(crd), "annotations").put(KarmadaMarks.AGENT_INSTALLED, "true");
      try {
        member.genericKubernetesResources(CRDS).resource(Json.generic(crd)).create();
        created.add(name);
      } catch (RuntimeException e) {
        if (!ApiErrors.isAlreadyExists(e)) {
          throw e;
        }
      }
    }
    if (!created.isEmpty()) {
      LOG.info(NAME + ": installed " + String.join(", ", created) + " in cluster " + cluster);
    }
    return created;
  }
}
