package dev.flotilla.policies.names;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The label and annotation names of multi-cluster services, both the MCS KEP's and the report
 * protocol the agent (writer) and the hub's MCS controllers (reader) share, and the names of the
 * suspended Works that carry the reports.
 */
public final class McsNames {
  public static final String GROUP = "multicluster.x-k8s.io";

  /** On a report Work: export, import, derived... */
  public static final String ROLE = "flotilla.dev/mcs-role";

  public static final String SERVICE_NAMESPACE = "flotilla.dev/service-namespace";
  public static final String SERVICE_NAME = "flotilla.dev/service-name";
  public static final String EXPORT_CREATED = "flotilla.dev/export-created";

  /**
   * On an import report: {@code hub} when the member's ServiceImport was applied from a hub Work
   * (Karmada style), {@code member} when it was created in the member (ACK One style).
   */
  public static final String IMPORT_ORIGIN = "flotilla.dev/import-origin";

  /** On a derived Work: the derived Service's name in the consumer. */
  public static final String DERIVED_SERVICE = "flotilla.dev/derived-service";

  /** On a derived Work: comma-separated source clusters. */
  public static final String SOURCE_CLUSTERS = "flotilla.dev/source-clusters";

  public static final String MANAGED_BY_ANNOTATION = "flotilla.dev/managed-by";

  /** Karmada's mark on EndpointSlices it collected from a member for export. */
  public static final String EXPORT_MANAGED_BY = "endpointslice.karmada.io/managed-by";

  public static final String KUBE_SERVICE_NAME = "kubernetes.io/service-name";
  public static final String MCS_SERVICE_NAME = "multicluster.kubernetes.io/service-name";
  public static final String MCS_SOURCE_CLUSTER = "multicluster.kubernetes.io/source-cluster";
  public static final String SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

  /** The {@link #SLICE_MANAGED_BY} value of slices the hub's MCS controllers write. */
  public static final String CONTROLLER = "mcs-controller.flotilla.dev";

  private McsNames() {}

  /** {@code <kind>-<ns>-<svc>}, truncated with a hash suffix when longer than 63 characters. */
  public static String workName(String kind, String namespace, String service) {
    return truncate(kind + "-" + namespace + "-" + service, 63);
  }

  /** A name cut to {@code max} characters with a stable hash suffix when too long. */
  public static String truncate(String name, int max) {
    if (name.length() <= max) {
      return name;
    }
    String hash;
    try {
      hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(name.getBytes(StandardCharsets.UTF_8)))
              .substring(0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    String head = name.substring(0, max - hash.length() - 1);
    while (head.endsWith("-") || head.endsWith(".")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + hash;
  }
}
