package dev.flotilla.controller.binding;

import dev.flotilla.controller.runtime.DecodeGuard;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The binding controller's cache of every Work of the fleet, as an informer's item store that keeps
 * a {@link WorkDigest} per Work and no Work: at 100,000 Works (10,000 templates on 10 clusters) the
 * Works would be hundreds of MiB decoded and about 100 MiB packed. It indexes the digests by the
 * binding they are labelled with, and shares what Works of one binding or cluster have in common
 * (the binding's id and key, the cluster's name, a plain status summary). The informer and its
 * handlers see {@link WorkDigest.Stub}s. Objects that could not be decoded ({@link DecodeGuard})
 * are tracked but never shown, as in the other item stores.
 */
final class WorkDigests implements ItemStore<GenericKubernetesResource> {
  private final Map<String, WorkDigest> digests = new ConcurrentHashMap<>();
  private final Map<String, GenericKubernetesResource> undecodable = new ConcurrentHashMap<>();

  /**
   * Binding id (index value {@code label=uid}) to its Works' keys; groups are immutable and
   * replaced on write, and hold the id and binding key that the digests of their Works share.
   */
  private final Map<String, Group> byBinding = new ConcurrentHashMap<>();

  /** Shared cluster names and plain summaries: a few per cluster. */
  private final Map<Object, Object> shared = new ConcurrentHashMap<>();

  private record Group(String id, List<String> ids, String bindingKey, String[] keys) {}

  @Override
  public String getKey(GenericKubernetesResource obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  /**
   * Called by the informer's cache, one call at a time (it holds its lock); returns the previous
   * version as a stub, so handlers compare digests.
   */
  @Override
  public synchronized GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
    if (!DecodeGuard.decoded(obj)) {
      GenericKubernetesResource before = removeDigest(key);
      GenericKubernetesResource hidden = undecodable.put(key, obj);
      return before != null ? before : hidden;
    }
    GenericKubernetesResource hidden = undecodable.remove(key);
    WorkDigest made = WorkDigest.of(key, obj);
    WorkDigest old = digests.get(key);
    String canonicalKey = old == null ? key : old.key();
    List<String> ids = new ArrayList<>(made.bindingIds().size());
    String bindingKey = made.bindingKey();
    for (String id : made.bindingIds()) {
      Group g = byBinding.get(id);
      ids.add(g == null ? id : g.id());
      if (g != null && g.bindingKey() != null && g.bindingKey().equals(bindingKey)) {
        bindingKey = g.bindingKey();
      }
    }
    // The usual Work carries one binding id: its list is the group's, shared by the binding's
    // Works.
    Group first = ids.size() == 1 ? byBinding.get(ids.get(0)) : null;
    List<String> idList = first != null ? first.ids() : List.copyOf(ids);
    WorkDigest digest = made.sharing(canonicalKey, idList, bindingKey, share(made.summary()));
    digests.put(canonicalKey, digest);
    if (old == null) {
      index(digest, true);
    } else if (!old.bindingIds().equals(digest.bindingIds())) {
      index(old, false);
      index(digest, true);
    }
    return old != null ? old.stub() : hidden;
  }

  @Override
  public synchronized GenericKubernetesResource remove(String key) {
    GenericKubernetesResource before = removeDigest(key);
    GenericKubernetesResource hidden = undecodable.remove(key);
    return before != null ? before : hidden;
  }

  private GenericKubernetesResource removeDigest(String key) {
    WorkDigest old = digests.remove(key);
    if (old == null) {
      return null;
    }
    index(old, false);
    return old.stub();
  }

  @Override
  public Stream<String> keySet() {
    return digests.keySet().stream();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return digests.values().stream().map(WorkDigest::stub);
  }

  @Override
  public int size() {
    return digests.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    WorkDigest d = digests.get(key);
    return d == null ? null : d.stub();
  }

  /** The digest of the Work under {@code key}, or null. */
  WorkDigest digest(String key) {
    return digests.get(key);
  }

  /** The digests of the Works labelled with binding id {@code id} ({@code label=uid}). */
  List<WorkDigest> ofBinding(String id) {
    Group g = byBinding.get(id);
    if (g == null) {
      return List.of();
    }
    List<WorkDigest> out = new ArrayList<>(g.keys().length);
    for (String k : g.keys()) {
      WorkDigest d = digests.get(k);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private void index(WorkDigest d, boolean add) {
    for (String id : d.bindingIds()) {
      if (add) {
        byBinding.merge(
            id,
            new Group(
                id,
                d.bindingIds().size() == 1 ? d.bindingIds() : List.of(id),
                d.bindingKey(),
                new String[] {d.key()}),
            WorkDigests::plus);
      } else {
        byBinding.computeIfPresent(id, (k, g) -> minus(g, d.key()));
      }
    }
  }

  private static Group plus(Group g, Group one) {
    String key = one.keys()[0];
    for (String k : g.keys()) {
      if (k.equals(key)) {
        return g;
      }
    }
    String[] keys = Arrays.copyOf(g.keys(), g.keys().length + 1);
    keys[g.keys().length] = key;
    return new Group(g.id(), g.ids(), g.bindingKey(), keys);
  }

  private static Group minus(Group g, String key) {
    String[] keys = g.keys();
    int at = Arrays.asList(keys).indexOf(key);
    if (at < 0) {
      return g;
    }
    if (keys.length == 1) {
      return null; // the binding has no Works left: its entry goes
    }
    String[] out = new String[keys.length - 1];
    System.arraycopy(keys, 0, out, 0, at);
    System.arraycopy(keys, at + 1, out, at, keys.length - at - 1);
    return new Group(g.id(), g.ids(), g.bindingKey(), out);
  }

  private String share(String s) {
    Object known = shared.putIfAbsent(s, s);
    return known == null ? s : (String) known;
  }

  /**
   * A shared instance of a summary when it is one of few (no status, no message: one per cluster
   * and health), with its cluster name shared; any other summary keeps its own.
   */
  private WorkSummary share(WorkSummary s) {
    WorkSummary named =
        s.sharing(s.cluster() == null ? null : share(s.cluster()), share(s.health()));
    if (named.status() != null || named.appliedMessage() != null) {
      return named;
    }
    Object known = shared.putIfAbsent(named, named);
    return known == null ? named : (WorkSummary) known;
  }
}
