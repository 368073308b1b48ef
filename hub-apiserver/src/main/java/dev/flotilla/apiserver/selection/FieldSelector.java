package dev.flotilla.apiserver.selection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A parsed Kubernetes field selector, limited to the fields kube-apiserver supports per kind. */
public final class FieldSelector {
  /** One ANDed term: {@code field=value} ({@code equals}) or {@code field!=value}. */
  public record Requirement(String field, boolean equals, String value) {
    @Override
    public String toString() {
      return field + (equals ? "=" : "!=") + escape(value);
    }
  }

  private record Compiled(Requirement requirement, Function<JsonNode, String> extractor) {}

  /**
   * Extractors per "Kind" or "Kind.group", mirroring each upstream registry's ToSelectableFields.
   */
  private static final Map<String, Map<String, Function<JsonNode, String>>> KINDS =
      new LinkedHashMap<>();

  static {
    KINDS.put(
        "Pod",
        fields(
            "spec.nodeName", path("spec.nodeName"),
            "spec.restartPolicy", path("spec.restartPolicy"),
            "spec.schedulerName", path("spec.schedulerName"),
            "spec.serviceAccountName", path("spec.serviceAccountName"),
            // Upstream formats the bool, so an absent field reads "false", not "".
            "spec.hostNetwork", orDefault(path("spec.hostNetwork"), "false"),
            "status.phase", path("status.phase"),
            // Upstream reads podIPs[0]; the singular field is the fallback for objects without it.
            "status.podIP", firstOf("status.podIPs.0.ip", "status.podIP"),
            "status.nominatedNodeName", path("status.nominatedNodeName")));
    // core/v1 Event; the regarding.* fallbacks cover events stored in events.k8s.io shape.
    Map<String, Function<JsonNode, String>> core = new LinkedHashMap<>();
    Map<String, Function<JsonNode, String>> events = new LinkedHashMap<>();
    for (String f :
        List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
      core.put("involvedObject." + f, firstOf("involvedObject." + f, "regarding." + f));
      events.put("regarding." + f, firstOf("regarding." + f, "involvedObject." + f));
    }
    core.put("reason", path("reason"));
    core.put("reportingComponent", firstOf("reportingComponent", "reportingController"));
    // Upstream: source.component, or the reporting controller when the component is empty.
    core.put("source", firstOf("source.component", "reportingComponent", "reportingController"));
    core.put("type", path("type"));
    events.put("reason", path("reason"));
    events.put("reportingController", firstOf("reportingController", "reportingComponent"));
    events.put("type", path("type"));
    KINDS.put("Event", core);
    KINDS.put("Event.events.k8s.io", events);
    KINDS.put("Secret", fields("type", path("type")));
    KINDS.put("Namespace", fields("status.phase", path("status.phase")));
    KINDS.put("Node", fields("spec.unschedulable", orDefault(path("spec.unschedulable"), "false")));
    // Upstream formats the int32 counters, so absent reads "0".
    KINDS.put(
        "ReplicaSet.apps", fields("status.replicas", orDefault(path("status.replicas"), "0")));
    KINDS.put(
        "ReplicationController",
        fields("status.replicas", orDefault(path("status.replicas"), "0")));
    // The selectable name says "successful" but upstream reads status.succeeded.
    KINDS.put("Job.batch", fields("status.successful", orDefault(path("status.succeeded"), "0")));
    KINDS.put(
        "CertificateSigningRequest.certificates.k8s.io",
        fields("spec.signerName", path("spec.signerName")));
  }

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Compiled> requirements;

  private FieldSelector(List<Compiled> requirements) {
    this.requirements = requirements;
  }

  /** The selector with no requirements, matching every object. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /**
   * Parses {@code f=v,f==v,f!=v} terms and checks each field against {@code kind}, given as "Kind"
   * (e.g. "Pod", the core or first-listed group) or "Kind.group" (e.g. "Event.events.k8s.io"). Null
   * or empty gives {@link #everything()}.
   *
   * @throws SelectorParseException e.g. "field label not supported: spec.foo"
   */
  public static FieldSelector parse(String selector, String kind) {
    return parse(selector, kind, Set.of());
  }

  /**
   * As {@link #parse(String, String)}, also allowing {@code extraFields} (a CRD's
   * selectableFields).
   */
  public static FieldSelector parse(String selector, String kind, Set<String> extraFields) {
    if (selector == null || selector.isEmpty()) {
      return EVERYTHING;
    }
    Map<String, Function<JsonNode, String>> allowed = supported(kind, extraFields);
    List<Requirement> parsed = new ArrayList<>();
    for (String term : splitTerms(selector)) {
      if (!term.isEmpty()) { // upstream tolerates "a=b," and ",,"
        parsed.add(splitTerm(selector, term));
      }
    }
    // Syntax first, then field support, as upstream parses before converting field labels.
    List<Compiled> result = new ArrayList<>();
    for (Requirement r : parsed) {
      Function<JsonNode, String> extractor = allowed.get(r.field());
      if (extractor == null) {
        throw new SelectorParseException("field label not supported: " + r.field());
      }
      result.add(new Compiled(r, extractor));
    }
    result.sort((a, b) -> a.requirement().toString().compareTo(b.requirement().toString()));
    return result.isEmpty() ? EVERYTHING : new FieldSelector(List.copyOf(result));
  }

  /** The field names {@code kind} can be selected on (metadata.name/namespace plus its own). */
  public static Set<String> supportedFields(String kind) {
    return Set.copyOf(supported(kind, Set.of()).keySet());
  }

  private static Map<String, Function<JsonNode, String>> supported(String kind, Set<String> extra) {
    Map<String, Function<JsonNode, String>> allowed = new HashMap<>();
    allowed.put("metadata.name", path("metadata.name"));
    allowed.put("metadata.namespace", path("metadata.namespace"));
    for (String f : extra) {
      // Accept a CRD selectableFields jsonPath (".spec.color") as well as the field name.
      String name = f.startsWith(".") ? f.substring(1) : f;
      allowed.putIfAbsent(name, path(name));
    }
    Map<String, Function<JsonNode, String>> own = lookupKind(kind == null ? "" : kind);
    if (own != null) {
      allowed.putAll(own);
    }
    return allowed;
  }

  /** "Kind.group" must match exactly; a bare "Kind" takes the first entry with that kind. */
  private static Map<String, Function<JsonNode, String>> lookupKind(String kind) {
    Map<String, Function<JsonNode, String>> exact = KINDS.get(kind);
    if (exact != null || kind.contains(".")) {
      return exact;
    }
    for (Map.Entry<String, Map<String, Function<JsonNode, String>>> e : KINDS.entrySet()) {
      if (e.getKey().split("\\.", 2)[0].equals(kind)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Splits on commas not preceded by a backslash, as upstream's splitTerms. */
  private static List<String> splitTerms(String s) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',') {
        terms.add(s.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(s.substring(start));
    return terms;
  }

  /**
   * Finds the first operator (trying "!=", "==", "=" at each position), as upstream's splitTerm.
   */
  private static Requirement splitTerm(String selector, String term) {
    outer:
    for (int i = 0; i < term.length(); i++) {
      for (String op : List.of("!=", "==", "=")) {
        if (term.startsWith(op, i)) {
          String field = term.substring(0, i);
          if (field.isEmpty()) {
            break outer; // "=b": no field name, reported below
          }
          return new Requirement(
              field, !op.equals("!="), unescape(term.substring(i + op.length())));
        }
      }
    }
    throw new SelectorParseException(
        "invalid selector: '" + selector + "'; can't understand '" + term + "'");
  }

  /** Upstream's UnescapeValue: only \\, \, and \= are escapes; bare ',' or '=' is an error. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    boolean inSlash = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (inSlash) {
        if (c != '\\' && c != ',' && c != '=') {
          throw new SelectorParseException(
              "invalid field selector: invalid escape sequence: \\" + c);
        }
        out.append(c);
        inSlash = false;
      } else if (c == '\\') {
        inSlash = true;
      } else if (c == ',' || c == '=') {
        throw new SelectorParseException(
            "invalid field selector: unescaped character in value: " + c);
      } else {
        out.append(c);
      }
    }
    if (inSlash) {
      throw new SelectorParseException("invalid field selector: invalid escape sequence: \\");
    }
    return out.toString();
  }

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=");
  }

  /** True when every requirement holds for {@code object}; absent fields compare as "". */
  public boolean matches(JsonNode object) {
    for (Compiled c : requirements) {
      String actual = c.extractor().apply(object);
      if (c.requirement().value().equals(actual) != c.requirement().equals()) {
        return false;
      }
    }
    return true;
  }

  /** True when this selector has no requirements and so matches every object. */
  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** The ANDed requirements, in canonical order. */
  public List<Requirement> requirements() {
    return requirements.stream().map(Compiled::requirement).toList();
  }

  /**
   * The value {@code field} must equal, when a {@code field=value} term exists (e.g. for a name
   * lookup).
   */
  public Optional<String> requiresExactMatch(String field) {
    return requirements.stream()
        .map(Compiled::requirement)
        .filter(r -> r.equals() && r.field().equals(field))
        .map(Requirement::value)
        .findFirst();
  }

  /** The canonical, escaped string form; "" for everything. */
  @Override
  public String toString() {
    return requirements().stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Function<JsonNode, String>> fields(Object... pairs) {
    Map<String, Function<JsonNode, String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Function<JsonNode, String>) pairs[i + 1]);
    }
    return m;
  }

  /** Reads a dotted path (numeric segments index arrays); scalars as text, anything else as "". */
  private static Function<JsonNode, String> path(String dotted) {
    String pointer = "/" + dotted.replace("~", "~0").replace("/", "~1").replace('.', '/');
    return obj -> {
      JsonNode n = obj == null ? null : obj.at(pointer);
      return n == null || !n.isValueNode() || n.isNull() ? "" : n.asText();
    };
  }

  private static Function<JsonNode, String> orDefault(Function<JsonNode, String> f, String dflt) {
    return obj -> {
      String v = f.apply(obj);
      return v.isEmpty() ? dflt : v;
    };
  }

  private static Function<JsonNode, String> firstOf(String... paths) {
    List<Function<JsonNode, String>> fs = List.of(paths).stream().map(FieldSelector::path).toList();
    return obj -> {
      for (Function<JsonNode, String> f : fs) {
        String v = f.apply(obj);
        if (!v.isEmpty()) {
          return v;
        }
      }
      return "";
    };
  }
}
