package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's item store for kinds the hub holds by the ten thousand (Works, bindings,
 * templates): each object is kept as its JSON bytes, without managedFields, deflated against a
 * dictionary (the first object's JSON: objects of one kind look alike), and decoded when read. A
 * decoded fabric8 object takes several times its JSON on the heap, so this is what lets the
 * controllers cache every Work of a large fleet. Reads cost a decode and return a fresh copy (which
 * callers may change freely). Like {@link SkippingItemStore}, objects that could not be decoded
 * ({@link DecodeGuard}) are tracked but never shown; they are kept as objects, being rare.
 */
public final class CompactItemStore implements ItemStore<GenericKubernetesResource> {
  /** Plain decoding: what is stored here was already decoded once, and cleanly. */
  private static final KubernetesSerialization JSON = new JsonFirstSerialization();

  private final Map<String, Object> items = new ConcurrentHashMap<>();

  /** Each object's JSON is kept deflated against the first one's (see {@link Packer}). */
  private final Packer packer = new Packer();

  @Override
  public String getKey(GenericKubernetesResource obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  /** Returns the previous object, shown or not: the informer's handlers see every transition. */
  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
    return decode(items.put(key, encode(obj)));
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    return decode(items.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return items.entrySet().stream().filter(e -> shown(e.getValue())).map(Map.Entry::getKey);
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return items.values().stream().filter(CompactItemStore::shown).map(this::decode);
  }

  @Override
  public int size() {
    return (int) items.values().stream().filter(CompactItemStore::shown).count();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    Object item = items.get(key);
    return item == null || !shown(item) ? null : decode(item);
  }

  /**
   * managedFields go, except a Service template's: the binding controller reads them there to tell
   * node ports a user wrote from those the hub allocated.
   */
  private Object encode(GenericKubernetesResource obj) {
    if (!DecodeGuard.decoded(obj)) {
      return obj;
    }
    if (obj.getMetadata().getManagedFields() != null
        && !obj.getMetadata().getManagedFields().isEmpty()
        && !("Service".equals(obj.getKind()) && "v1".equals(obj.getApiVersion()))) {
      // The informer hands this same object to the handlers; none of them reads managedFields.
      obj.getMetadata().setManagedFields(null);
    }
    return packer.pack(JSON.asJson(obj).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static boolean shown(Object item) {
    return item instanceof byte[];
  }

  private GenericKubernetesResource decode(Object item) {
    if (item == null) {
      return null;
    }
    if (item instanceof byte[] bytes) {
      return Objects.requireNonNull(
          JSON.unmarshal(
              new java.io.ByteArrayInputStream(packer.unpack(bytes)),
              GenericKubernetesResource.class));
    }
    return (GenericKubernetesResource) item;
  }
}
