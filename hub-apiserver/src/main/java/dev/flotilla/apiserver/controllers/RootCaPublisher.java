package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;

/**
 * Publishes the hub's CA as ConfigMap {@code kube-root-ca.crt} (key {@code ca.crt}) in every
 * namespace, and puts it back when it is deleted or edited, as kube-controller-manager's
 * root-ca-cert-publisher does, so in-cluster clients find the CA where they look for it.
 */
public final class RootCaPublisher extends PerNamespaceObject {
  public static final String NAME = "root-ca-cert-publisher";
  public static final String CONFIG_MAP = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage"
          + " is guaranteed across distributions of Kubernetes clusters.";

  private final String caPem;

  public RootCaPublisher(ResourceStorage storage, String caPem) {
    super(storage, storage.registry().find("", "v1", "configmaps").orElseThrow(), CONFIG_MAP, NAME);
    this.caPem = caPem;
  }

  @Override
  protected ObjectNode desired(String namespace) {
    ObjectNode created = Json.MAPPER.createObjectNode();
    created.put("apiVersion", "v1").put("kind", "ConfigMap");
    ObjectNode meta = Meta.metadata(created);
    meta.put("name", CONFIG_MAP);
    meta.put("namespace", namespace);
    meta.putObject("annotations").put(DESCRIPTION_ANNOTATION, DESCRIPTION);
    created.putObject("data").put(KEY, caPem);
    return created;
  }

  @Override
  protected void repair(String namespace, ObjectNode cm) {
    if (upToDate(cm)) {
      return;
    }
    storage
        .guaranteedUpdate(
            type,
            namespace,
            CONFIG_MAP,
            0,
            false,
            current -> {
              current.putObject("data").put(KEY, caPem);
              Meta.metadata(current).with("annotations").put(DESCRIPTION_ANNOTATION, DESCRIPTION);
              return current;
            })
        .join();
  }

  private boolean upToDate(ObjectNode cm) {
    var data = cm.path("data");
    return data.size() == 1
        && caPem.equals(data.path(KEY).asText(null))
        && !Meta.metadata(cm).path("annotations").path(DESCRIPTION_ANNOTATION).asText("").isEmpty();
  }
}
