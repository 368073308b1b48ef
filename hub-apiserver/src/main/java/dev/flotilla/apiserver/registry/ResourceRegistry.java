package dev.flotilla.apiserver.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every resource the server serves right now: the built-in catalogue plus the kinds of established
 * CustomResourceDefinitions, which come and go at runtime. Readers get immutable snapshots, so
 * discovery and routing never see a half-registered CRD.
 */
public final class ResourceRegistry {
  private volatile Snapshot snapshot;
  private final Map<String, List<ResourceType>> custom = new LinkedHashMap<>();
  private final List<ResourceType> builtin;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong generation = new AtomicLong();

  public ResourceRegistry(List<ResourceType> builtin) {
    this.builtin = List.copyOf(builtin);
    rebuild();
  }

  /** The type served at group/version/plural. */
  public Optional<ResourceType> find(String group, String version, String plural) {
    return Optional.ofNullable(snapshot.byPath.get(group + "/" + version + "/" + plural));
  }

  /** The version objects of this group-resource are stored in. */
  public ResourceType storageType(ResourceType type) {
    ResourceType t = snapshot.storageByGroupResource.get(type.groupResource());
    return t == null ? type : t;
  }

  /**
   * The storage type of a group-resource named as in storage keys ("core" for the legacy group).
   */
  public Optional<ResourceType> storageTypeOf(String group, String plural) {
    String g = group.equals("core") ? "" : group;
    return Optional.ofNullable(
        snapshot.storageByGroupResource.get(g.isEmpty() ? plural : plural + "." + g));
  }

  /** The served type for apiVersion and kind, e.g. for owner references and events. */
  public Optional<ResourceType> findKind(String apiVersion, String kind) {
    return Optional.ofNullable(snapshot.byKind.get(apiVersion + "/" + kind));
  }

  /** All served types, built-ins first, each group's versions in preference order. */
  public List<ResourceType> all() {
    return snapshot.all;
  }

  /** One type per group-resource (its storage version), e.g. to sweep a namespace. */
  public Collection<ResourceType> storageTypes() {
    return snapshot.storageByGroupResource.values();
  }

  /** Bumps on every change, for caches keyed by what is served. */
  public long generation() {
    return generation.get();
  }

  /** Replaces the types a CRD contributes (an empty list removes them). */
  public synchronized void setCustom(String crdName, List<ResourceType> types) {
    if (types.isEmpty()) {
      custom.remove(crdName);
    } else {
      custom.put(crdName, List.copyOf(types));
    }
    rebuild();
    listeners.forEach(Runnable::run);
  }

  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  private synchronized void rebuild() {
    List<ResourceType> all = new ArrayList<>(builtin);
    custom.values().forEach(all::addAll);
    snapshot = new Snapshot(all);
    generation.incrementAndGet();
  }

  /** An immutable view of what is served. */
  private static final class Snapshot {
    final List<ResourceType> all;
    final Map<String, ResourceType> byPath = new LinkedHashMap<>();
    final Map<String, ResourceType> byKind = new LinkedHashMap<>();
    final Map<String, ResourceType> storageByGroupResource = new LinkedHashMap<>();

    Snapshot(List<ResourceType> all) {
      this.all = List.copyOf(all);
      for (ResourceType t : all) {
        byPath.putIfAbsent(t.group() + "/" + t.version() + "/" + t.plural(), t);
        byKind.putIfAbsent(t.apiVersion() + "/" + t.kind(), t);
        if (t.storageVersion()) {
          storageByGroupResource.put(t.groupResource(), t);
        } else {
          storageByGroupResource.putIfAbsent(t.groupResource(), t);
        }
      }
    }
  }
}
