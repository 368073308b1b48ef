package dev.flotilla.controller.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.controller.runtime.ContentHash;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the binding controller keeps of one Work instead of the Work: its key and resourceVersion,
 * hashes of its spec, labels and annotations (enough to tell whether it differs from the Work a
 * binding asks for), a hash of the metadata whose change can make it differ (generation, deletion,
 * finalizers, owners), the binding it points back at, and its status summary. A few hundred bytes
 * where the Work is a few KiB; the controller reads the whole Work from the hub only when it must
 * update it.
 *
 * @param key the informer's key, namespace/name
 * @param revision the resourceVersion this digest was made from, when it is a plain number
 * @param revisionText that resourceVersion when it is not one (null otherwise)
 * @param metaHash generation, deletion timestamp, finalizers and owner references, hashed
 * @param entries 64-bit hashes of each label ('l') and annotation ('a'), sorted
 * @param specHigh the spec's content hash, first half
 * @param specLow the spec's content hash, second half
 * @param bindingIds the binding permanent-id labels, as index values {@code label=uid}
 * @param bindingKey the binding's queue key (from the Work's annotations), or null
 * @param summary what status aggregation reads
 */
record WorkDigest(
    String key,
    long revision,
    String revisionText,
    long metaHash,
    long[] entries,
    long specHigh,
    long specLow,
    List<String> bindingIds,
    String bindingKey,
    WorkSummary summary) {

  /** The digest of a decoded Work (the informer's form). */
  static WorkDigest of(String key, GenericKubernetesResource work) {
    ObjectMeta meta = work.getMetadata();
    List<Long> hashes = new ArrayList<>();
    entries(hashes, 'l', meta.getLabels());
    entries(hashes, 'a', meta.getAnnotations());
    long[] entries = hashes.stream().mapToLong(Long::longValue).sorted().toArray();
    long metaHash =
        ContentHash.ofPlain(
                Arrays.asList(
                    meta.getGeneration(),
                    meta.getDeletionTimestamp(),
                    meta.getFinalizers(),
                    meta.getOwnerReferences()))
            .high();
    ContentHash.Hash spec = ContentHash.ofPlain(work.getAdditionalProperties().get("spec"));
    String rv = meta.getResourceVersion();
    boolean numeric = rv != null && PLAIN_NUMBER.matcher(rv).matches();
    return new WorkDigest(
        key,
        numeric ? Long.parseLong(rv) : 0,
        numeric ? null : rv,
        metaHash,
        entries,
        spec.high(),
        spec.low(),
        bindingIds(meta.getLabels()),
        BindingKey.ofWork(work).orElse(null),
        WorkSummary.of(work));
  }

  /** A resourceVersion kept as a long: the store's revisions are plain numbers. */
  private static final java.util.regex.Pattern PLAIN_NUMBER =
      java.util.regex.Pattern.compile("0|[1-9][0-9]{0,17}");

  /** The resourceVersion this digest was made from. */
  String resourceVersion() {
    return revisionText != null ? revisionText : Long.toString(revision);
  }

  String namespace() {
    int slash = key.indexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  String name() {
    return key.substring(key.indexOf('/') + 1);
  }

  /**
   * Whether the Work differs from {@code desired} where the binding controller writes it: the spec,
   * and each label and annotation it sets (others, added by someone else, are left alone).
   */
  boolean differsFrom(ObjectNode desired) {
    ContentHash.Hash spec = ContentHash.of(desired.path("spec"));
    if (spec.high() != specHigh || spec.low() != specLow) {
      return true;
    }
    return !contains('l', desired.path("metadata").path("labels"))
        || !contains('a', desired.path("metadata").path("annotations"));
  }

  private boolean contains(char tag, JsonNode want) {
    var fields = want.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      String value = e.getValue().isNull() ? null : e.getValue().asText();
      if (Arrays.binarySearch(entries, ContentHash.ofEntry(tag, e.getKey(), value)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * True unless only the status changed from this version to {@code now} (see {@code
   * Changes.beyondStatus}); the same version counts as a change, as a resync does there.
   */
  boolean beyondStatus(WorkDigest now) {
    return (revision == now.revision && java.util.Objects.equals(revisionText, now.revisionText))
        || metaHash != now.metaHash
        || !Arrays.equals(entries, now.entries);
  }

  /** True when the status summary changed too, or anything {@link #beyondStatus} looks at. */
  boolean statusOrBeyond(WorkDigest now) {
    return beyondStatus(now) || !summary.equals(now.summary);
  }

  /** This digest with its strings and summary replaced by shared instances. */
  WorkDigest sharing(String key, List<String> bindingIds, String bindingKey, WorkSummary summary) {
    return new WorkDigest(
        key,
        revision,
        revisionText,
        metaHash,
        entries,
        specHigh,
        specLow,
        bindingIds,
        bindingKey,
        summary);
  }

  /**
   * What the informer's cache shows for this Work: its name, namespace, resourceVersion and the
   * labels and annotations that point at its binding. Enough for event handlers to map it to its
   * binding; everything else is in the digest it carries.
   */
  Stub stub() {
    Stub s = new Stub(this);
    s.setApiVersion("work.karmada.io/v1alpha1");
    s.setKind("Work");
    ObjectMeta meta = new ObjectMeta();
    meta.setNamespace(namespace());
    meta.setName(name());
    meta.setResourceVersion(resourceVersion());
    Map<String, String> labels = new HashMap<>();
    for (String id : bindingIds) {
      int eq = id.indexOf('=');
      labels.put(id.substring(0, eq), id.substring(eq + 1));
    }
    meta.setLabels(labels);
    if (bindingKey != null) {
      BindingKey ref = BindingKey.parse(bindingKey);
      Map<String, String> annotations = new HashMap<>();
      if (ref.clusterScoped()) {
        annotations.put(BindingLabels.CRB_NAME_ANNOTATION, ref.name());
      } else {
        annotations.put(BindingLabels.RB_NAME_ANNOTATION, ref.name());
        annotations.put(BindingLabels.BINDING_NAMESPACE_ANNOTATION, ref.namespace());
      }
      meta.setAnnotations(annotations);
    }
    s.setMetadata(meta);
    return s;
  }

  /** A Work as the digest store shows it: a metadata stub carrying its digest. */
  static final class Stub extends GenericKubernetesResource {
    private final transient WorkDigest digest;

    Stub(WorkDigest digest) {
      this.digest = digest;
    }

    WorkDigest digest() {
      return digest;
    }
  }

  /** The digest of a Work the informer handed over: the one it carries, or one made now. */
  static WorkDigest of(GenericKubernetesResource work) {
    return work instanceof Stub s
        ? s.digest()
        : of(work.getMetadata().getNamespace() + "/" + work.getMetadata().getName(), work);
  }

  private static void entries(List<Long> out, char tag, Map<String, String> map) {
    if (map != null) {
      map.forEach((k, v) -> out.add(ContentHash.ofEntry(tag, k, v)));
    }
  }

  /** The binding permanent ids a Work is labelled with (index values). */
  static List<String> bindingIds(Map<String, String> labels) {
    if (labels == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(1);
    for (String label : List.of(BindingLabels.RB_ID, BindingLabels.CRB_ID)) {
      String id = labels.get(label);
      if (id != null) {
        ids.add(label + "=" + id);
      }
    }
    return List.copyOf(ids);
  }
}
