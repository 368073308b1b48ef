package dev.flotilla.controller.detector;

/**
 * Identifies one resource template on the hub; its string form is the detector's queue key.
 *
 * @param namespace null for cluster-scoped templates
 */
public record TemplateRef(String apiVersion, String kind, String namespace, String name) {

  public String key() {
    return apiVersion + "|" + kind + "|" + (namespace == null ? "" : namespace) + "|" + name;
  }

  public static TemplateRef parse(String key) {
    String[] p = key.split("\\|", -1);
    return new TemplateRef(p[0], p[1], p[2].isEmpty() ? null : p[2], p[3]);
  }

  /** "apiVersion/kind", the key of the informer that caches such templates. */
  public String gvk() {
    return apiVersion + "/" + kind;
  }
}
