package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ObjectHook;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An apiregistration.k8s.io/v1 APIService for every group/version the hub serves, built-in or from
 * a CRD, as kube-apiserver's autoregister and CRD registration controllers keep them; local ones
 * (no {@code spec.service}) report Available=True with reason {@code Local}, as the aggregator's
 * availability controller sets it.
 */
public final class ApiServiceRegistration implements AutoCloseable {
  public static final String NAME = "apiservice-registration";
  static final String AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged";
  private static final String KEY = "all";
  private static final Logger LOG = LoggerFactory.getLogger(ApiServiceRegistration.class);

  private final ResourceStorage storage;
  private final ResourceType apiServices;
  private final WorkQueue queue;

  public ApiServiceRegistration(ResourceStorage storage) {
    this.storage = storage;
    this.apiServices =
        storage.registry().find("apiregistration.k8s.io", "v1", "apiservices").orElseThrow();
    this.queue = new WorkQueue(NAME, key -> sync());
  }

  /** APIService status on every write, in every replica (the controller may run elsewhere). */
  public static void installStatusHook(ResourceStorage storage) {
    storage.addHook(
        "apiservices.apiregistration.k8s.io",
        new LocalStatus(storage.registry().find("", "v1", "services").orElseThrow(), storage));
  }

  public void start() {
    storage.registry().onChange(() -> queue.add(KEY));
    queue.add(KEY);
  }

  /** Served group/versions: name ("v1." for the legacy group) to the APIService spec. */
  private Map<String, Served> served() {
    Map<String, List<String>> groups = new LinkedHashMap<>();
    Map<String, Boolean> builtin = new LinkedHashMap<>();
    for (ResourceType t : storage.registry().all()) {
      List<String> versions = groups.computeIfAbsent(t.group(), g -> new ArrayList<>());
      if (!versions.contains(t.version())) {
        versions.add(t.version());
      }
      builtin.merge(t.group(), t.builtin(), Boolean::logicalOr);
    }
    Map<String, Served> out = new LinkedHashMap<>();
    int groupIndex = 0;
    for (Map.Entry<String, List<String>> g : groups.entrySet()) {
      boolean local = builtin.get(g.getKey());
      // Discovery order: built-in groups first and in their usual order, then CRD groups; the
      // registry lists each group's versions preferred first.
      int groupPriority = local ? Math.max(18000 - 100 * groupIndex++, 1100) : 1000;
      List<String> versions = g.getValue();
      for (int i = 0; i < versions.size(); i++) {
        String version = versions.get(i);
        out.put(
            version + "." + g.getKey(),
            new Served(g.getKey(), version, groupPriority, 15 * (versions.size() - i), local));
      }
    }
    return out;
  }

  private record Served(
      String group, String version, int groupPriority, int versionPriority, boolean onStart) {}

  private long sync() {
    int failures = 0;
    Map<String, Served> wanted = served();
    ListQuery.Page page =
        ListQuery.list(
            storage,
            apiServices,
            null,
            new ListOptions(LabelSelector.parse(""), null, 0, null, "", false));
    Map<String, ObjectNode> existing = new LinkedHashMap<>();
    for (KeyValue kv : page.items()) {
      ObjectNode obj = Json.read(kv.value());
      existing.put(Meta.name(obj), obj);
    }
    for (Map.Entry<String, Served> e : wanted.entrySet()) {
      ObjectNode current = existing.get(e.getKey());
      if (current == null) {
        try {
          create(e.getKey(), e.getValue());
        } catch (RuntimeException failed) {
          // One refused object must not keep the others from being registered.
          LOG.warn(NAME + ": cannot register " + e.getKey(), failed);
          failures++;
        }
      } else if (!current.path("status").path("conditions").isArray()) {
        // Stored before status was kept: an update lets the hook fill it in.
        storage.guaranteedUpdate(apiServices, null, e.getKey(), 0, false, obj -> obj).join();
      }
    }
    for (Map.Entry<String, ObjectNode> e : existing.entrySet()) {
      String label = Meta.metadata(e.getValue()).path("labels").path(AUTOMANAGED).asText("");
      if (!label.isEmpty() && !wanted.containsKey(e.getKey())) {
        try {
          storage.delete(apiServices, null, e.getKey(), DeleteOptions.DEFAULT);
        } catch (ApiException gone) {
          // deleted meanwhile
        }
      }
    }
    return failures == 0 ? -1 : 5_000;
  }

  private void create(String name, Served s) {
    ObjectNode obj = Json.MAPPER.createObjectNode();
    obj.put("apiVersion", "apiregistration.k8s.io/v1").put("kind", "APIService");
    ObjectNode meta = Meta.metadata(obj);
    meta.put("name", name);
    meta.putObject("labels").put(AUTOMANAGED, s.onStart() ? "onstart" : "true");
    ObjectNode spec = obj.putObject("spec");
    spec.put("group", s.group());
    spec.put("version", s.version());
    spec.put("groupPriorityMinimum", s.groupPriority());
    spec.put("versionPriority", s.versionPriority());
    try {
      storage.create(apiServices, null, obj, false).join();
    } catch (RuntimeException e) {
      RuntimeException cause = ResourceStorage.unwrap(e);
      if (!(cause instanceof ApiException api && api.code() == 409)) {
        throw cause;
      }
    }
  }

  @Override
  public void close() {
    queue.close();
  }

  /**
   * Local APIServices are always available. One naming a service is not: the hub does not proxy
   * aggregated APIs, so it reports what the aggregator's availability controller would without a
   * reachable backend (ServiceNotFound when the Service is absent, else FailedDiscoveryCheck).
   */
  private static final class LocalStatus implements ObjectHook {
    private final ResourceType services;
    private final ResourceStorage storage;

    LocalStatus(ResourceType services, ResourceStorage storage) {
      this.services = services;
      this.storage = storage;
    }

    @Override
    public void beforeCreate(ResourceType type, ObjectNode obj) {
      apply(type, obj, null);
    }

    @Override
    public void beforeUpdate(ResourceType type, ObjectNode old, ObjectNode obj) {
      apply(type, obj, old);
    }

    private void apply(ResourceType type, ObjectNode obj, ObjectNode old) {
      JsonNode spec = obj.path("spec");
      String expected = spec.path("version").asText("") + "." + spec.path("group").asText("");
      if (!expected.equals(Meta.name(obj))) {
        throw ApiException.invalid(
            type,
            Meta.name(obj),
            "metadata.name",
            "Invalid value: \""
                + Meta.name(obj)
                + "\": must be `spec.version+\".\"+spec.group`: \""
                + expected
                + "\"");
      }
      JsonNode service = spec.path("service");
      if (service.isObject()) {
        String ns = service.path("namespace").asText("");
        String name = service.path("name").asText("");
        boolean present = !ns.isEmpty() && storage.find(services, ns, name).isPresent();
        setAvailable(
            obj,
            old,
            "False",
            present ? "FailedDiscoveryCheck" : "ServiceNotFound",
            present
                ? "failing or missing response from service/"
                    + name
                    + " in \""
                    + ns
                    + "\": this hub does not proxy aggregated APIs"
                : "service/" + name + " in \"" + ns + "\" is not present");
        return;
      }
      setAvailable(obj, old, "True", "Local", "Local APIServices are always available");
    }

    /** One Available condition, keeping its transition time while the status stays the same. */
    private static void setAvailable(
        ObjectNode obj, ObjectNode old, String status, String reason, String message) {
      String since = Meta.now();
      JsonNode before =
          old == null ? Json.MAPPER.createArrayNode() : old.path("status").path("conditions");
      for (JsonNode c : before) {
        if (c.path("type").asText().equals("Available")
            && c.path("status").asText().equals(status)) {
          since = c.path("lastTransitionTime").asText(since);
        }
      }
      ArrayNode conditions = obj.putObject("status").putArray("conditions");
      ObjectNode c = conditions.addObject();
      c.put("type", "Available");
      c.put("status", status);
      c.put("lastTransitionTime", since);
      c.put("reason", reason);
      c.put("message", message);
    }
  }
}
