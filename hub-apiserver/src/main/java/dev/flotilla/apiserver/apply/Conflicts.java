package dev.flotilla.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.patch.JsonValues;
import dev.flotilla.apiserver.patch.SchemaNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Apply conflicts: the 409 kube-apiserver sends (apimachinery {@code managedfields} conflict
 * messages, one {@code FieldManagerConflict} cause per path), and the conflicts kubectl may
 * override because its client-side last-applied annotation already set those values.
 */
final class Conflicts {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private Conflicts() {}

  /**
   * The manager as upstream prints it: {@code "name"}, plus subresource and apiVersion for
   * updaters.
   */
  static String describe(ManagedFields.Entry e) {
    String s = JsonValues.quote(e.manager());
    if (e.subresource() != null && !e.subresource().isEmpty()) {
      s += " with subresource " + JsonValues.quote(e.subresource());
    }
    if (ManagedFields.UPDATE.equals(e.operation())) {
      s += " using " + e.apiVersion();
    }
    return s;
  }

  /** 409 Conflict naming every conflicting manager and path. */
  static ApiException error(Map<ManagedFields.Entry, FieldSet> conflicts) {
    TreeMap<String, List<String>> byManager = new TreeMap<>();
    List<ApiException.Cause> causes = new ArrayList<>();
    int count = 0;
    for (Map.Entry<ManagedFields.Entry, FieldSet> c : conflicts.entrySet()) {
      String who = describe(c.getKey());
      for (List<String> path : c.getValue().paths()) {
        String field = FieldSet.describe(path);
        byManager.computeIfAbsent(who, k -> new ArrayList<>()).add(field);
        causes.add(new ApiException.Cause("FieldManagerConflict", field, "conflict with " + who));
        count++;
      }
    }
    String message;
    if (count == 1) {
      Map.Entry<String, List<String>> only = byManager.firstEntry();
      message =
          "Apply failed with 1 conflict: conflict with "
              + only.getKey()
              + ": "
              + only.getValue().get(0);
    } else {
      StringBuilder sb = new StringBuilder("Apply failed with " + count + " conflicts: ");
      boolean first = true;
      for (Map.Entry<String, List<String>> m : byManager.entrySet()) {
        sb.append(first ? "" : "\n").append("conflicts with ").append(m.getKey()).append(':');
        first = false;
        for (String field : m.getValue()) {
          sb.append("\n- ").append(field);
        }
      }
      message = sb.toString();
    }
    return new ApiException(409, "Conflict", message, null, null, null, causes);
  }

  /**
   * The paths the last-applied annotation of {@code live} set to the values they still have:
   * conflicts on these do not stop kubectl moving from client-side to server-side apply.
   */
  static FieldSet allowedByLastApplied(ObjectNode live, String apiVersion, SchemaNode schema) {
    JsonNode annotation = live.path("metadata").path("annotations").get(LAST_APPLIED);
    if (annotation == null || !annotation.isTextual() || annotation.asText().isEmpty()) {
      return new FieldSet();
    }
    JsonNode last = JsonValues.parse(annotation.asText());
    if (last == null || !last.isObject() || !apiVersion.equals(last.path("apiVersion").asText())) {
      return new FieldSet();
    }
    FieldSet set = Typed.toFieldSet(last, schema);
    Typed.Comparison c = Typed.compare(last, live, schema);
    return set.difference(c.modified()).difference(c.added()).difference(c.removed());
  }
}
