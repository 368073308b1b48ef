package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * An informer's item store that holds every object but shows none that could not be decoded ({@link
 * DecodeGuard}): cache reads, listings and indexes skip it, so no reconcile acts on a half-decoded
 * object, while the informer still tracks it and reports its later repair or deletion to handlers
 * as usual.
 */
final class SkippingItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final BasicItemStore<T> all = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  @Override
  public String getKey(T obj) {
    return all.getKey(obj);
  }

  /** Returns the previous object, shown or not: the informer's handlers see every transition. */
  @Override
  public T put(String key, T obj) {
    return all.put(key, obj);
  }

  @Override
  public T remove(String key) {
    return all.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return all.keySet().filter(k -> get(k) != null);
  }

  @Override
  public Stream<T> values() {
    return all.values().filter(DecodeGuard::decoded);
  }

  @Override
  public int size() {
    return (int) values().count();
  }

  @Override
  public T get(String key) {
    T obj = all.get(key);
    return obj == null || DecodeGuard.decoded(obj) ? obj : null;
  }
}
