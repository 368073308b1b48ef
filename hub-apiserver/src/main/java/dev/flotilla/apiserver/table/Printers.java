package dev.flotilla.apiserver.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the printer for a served type: built-in printers, CRD printer columns, or the default. */
public final class Printers {
  private static final String CRD_GROUP = "apiextensions.k8s.io";
  private static final String CRD_RESOURCE = "customresourcedefinitions";

  /** Compiled CRD printers by group-resource/version, valid while the CRD is unchanged. */
  private static final Map<String, Cached> CUSTOM = new ConcurrentHashMap<>();

  private record Cached(String resourceVersion, Printer printer) {}

  private Printers() {}

  public static Printer forType(ResourceStorage storage, ResourceType type) {
    if (type.builtin()) {
      return BuiltinPrinters.find(type).orElse(DefaultPrinter.INSTANCE);
    }
    Optional<ResourceType> crdType = storage.registry().find(CRD_GROUP, "v1", CRD_RESOURCE);
    if (crdType.isEmpty()) {
      return CustomPrinter.DEFAULT;
    }
    Optional<ObjectNode> crd = storage.find(crdType.get(), null, type.groupResource());
    if (crd.isEmpty()) {
      return CustomPrinter.DEFAULT;
    }
    return forCrd(crd.get(), type.groupResource(), type.version());
  }

  /** The printer for one version of a CRD object. */
  public static Printer forCrd(ObjectNode crd, String groupResource, String version) {
    String key = groupResource + "/" + version;
    String rv = String.valueOf(Meta.text(crd, "resourceVersion"));
    Cached cached = CUSTOM.get(key);
    if (cached != null && cached.resourceVersion().equals(rv)) {
      return cached.printer();
    }
    JsonNode columns = null;
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        columns = v.path("additionalPrinterColumns");
      }
    }
    if (columns == null || columns.isMissingNode()) {
      // apiextensions.k8s.io/v1beta1 CRDs could declare columns for every version at once.
      columns = crd.path("spec").path("additionalPrinterColumns");
    }
    Printer printer = CustomPrinter.of(columns);
    CUSTOM.put(key, new Cached(rv, printer));
    return printer;
  }
}
