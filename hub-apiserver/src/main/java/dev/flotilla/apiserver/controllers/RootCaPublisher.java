package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.objects.StorageKeys;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes the hub's CA as ConfigMap {@code kube-root-ca.crt} (key {@code ca.crt}) in every
 * namespace, and puts it back when it is deleted or edited, as kube-controller-manager's
 * root-ca-cert-publisher does, so in-cluster clients find the CA where they look for it.
 */
public final class RootCaPublisher implements AutoCloseable {
  public static final String NAME = "root-ca-cert-publisher";
  public static final String CONFIG_MAP = "kube-root-ca.crt";
  static final String KEY = "ca.crt";
  static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
  static final String DESCRIPTION =
      "Contains a CA bundle that can be used to verify the kube-apiserver when using internal"
          + " endpoints such as the internal service IP or kubernetes.default.svc. No other usage"
          + " is guaranteed across distributions of Kubernetes clusters.";

  private final ResourceStorage storage;
  private final ResourceType namespaces;
  private final ResourceType configMaps;
  private final String caPem;
  private final WorkQueue queue;
  private final List<Store.Watch> watches = new ArrayList<>();

  public RootCaPublisher(ResourceStorage storage, String caPem) {
    this.storage = storage;
    this.caPem = caPem;
    this.namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    this.configMaps = storage.registry().find("", "v1", "configmaps").orElseThrow();
    this.queue = new WorkQueue(NAME, this::reconcile);
  }

  public void start() {
    long revision = storage.store().currentRevision();
    String nsPrefix = StorageKeys.listPrefix(namespaces, null);
    String cmPrefix = StorageKeys.listPrefix(configMaps, null);
    // Watch first, then list: a namespace made in between is seen by one or the other.
    watches.add(
        storage
            .store()
            .watch(
                nsPrefix,
                revision,
                (StoreEvent e) -> {
                  if (e.type() == StoreEvent.Type.PUT) {
                    queue.add(e.kv().key().substring(nsPrefix.length()));
                  }
                }));
    watches.add(
        storage
            .store()
            .watch(
                cmPrefix,
                revision,
                (StoreEvent e) -> {
                  String rest = e.kv().key().substring(cmPrefix.length());
                  int slash = rest.indexOf('/');
                  if (slash > 0 && rest.substring(slash + 1).equals(CONFIG_MAP)) {
                    queue.add(rest.substring(0, slash));
                  }
                }));
    ListQuery.Page page =
        ListQuery.list(
            storage,
            namespaces,
            null,
            new ListOptions(LabelSelector.parse(""), null, 0, null, "", false));
    for (KeyValue kv : page.items()) {
      queue.add(kv.key().substring(nsPrefix.length()));
    }
  }

  private long reconcile(String namespace) {
    ObjectNode ns = storage.find(namespaces, null, namespace).orElse(null);
    if (ns == null || Meta.isDeleting(ns)) {
      return -1;
    }
    ObjectNode cm = storage.find(configMaps, namespace, CONFIG_MAP).orElse(null);
    if (cm == null) {
      ObjectNode created = Json.MAPPER.createObjectNode();
      created.put("apiVersion", "v1").put("kind", "ConfigMap");
      ObjectNode meta = Meta.metadata(created);
      meta.put("name", CONFIG_MAP);
      meta.put("namespace", namespace);
      meta.putObject("annotations").put(DESCRIPTION_ANNOTATION, DESCRIPTION);
      created.putObject("data").put(KEY, caPem);
      try {
        storage.create(configMaps, namespace, created, false).join();
      } catch (RuntimeException e) {
        RuntimeException cause = ResourceStorage.unwrap(e);
        // The namespace went away or is terminating meanwhile: nothing to publish.
        if (cause instanceof ApiException api && (api.code() == 404 || api.code() == 403)) {
          return -1;
        }
        throw cause;
      }
      return -1;
    }
    if (upToDate(cm)) {
      return -1;
    }
    storage
        .guaranteedUpdate(
            configMaps,
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
    return -1;
  }

  private boolean upToDate(ObjectNode cm) {
    var data = cm.path("data");
    return data.size() == 1
        && caPem.equals(data.path(KEY).asText(null))
        && !Meta.metadata(cm).path("annotations").path(DESCRIPTION_ANNOTATION).asText("").isEmpty();
  }

  @Override
  public void close() {
    watches.forEach(Store.Watch::close);
    queue.close();
  }
}
