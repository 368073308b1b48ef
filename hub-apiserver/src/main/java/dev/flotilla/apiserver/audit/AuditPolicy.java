package dev.flotilla.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's audit policy ({@code audit.k8s.io/v1} Policy): the first rule that matches a
 * request decides its level (None when none does); rules match by users, userGroups, verbs,
 * resources (group, resources with the wildcard forms "*", "res/*" and "any/sub", resourceNames),
 * namespaces and nonResourceURLs exactly as upstream's policy checker.
 */
public final class AuditPolicy {
  /** How much of a request is recorded, in upstream's order. */
  public enum Level {
    None,
    Metadata,
    Request,
    RequestResponse
  }

  /** The stages an event is emitted at. */
  public enum Stage {
    RequestReceived,
    ResponseStarted,
    ResponseComplete,
    Panic
  }

  /** What a rule is matched against. */
  public record Request(
      String user,
      List<String> groups,
      String verb,
      boolean resourceRequest,
      String group,
      String namespace,
      String resource,
      String subresource,
      String name,
      String path) {}

  /** The outcome for one request: its level, the stages to leave out, managed fields omitted. */
  public record Decision(Level level, Set<Stage> omitStages, boolean omitManagedFields) {}

  private record GroupResources(String group, List<String> resources, List<String> names) {}

  private record Rule(
      Level level,
      List<String> users,
      List<String> userGroups,
      List<String> verbs,
      List<GroupResources> resources,
      List<String> namespaces,
      List<String> nonResourceURLs,
      Set<Stage> omitStages,
      Boolean omitManagedFields) {}

  private static final Set<String> POLICY_FIELDS =
      Set.of("apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields");
  private static final Set<String> RULE_FIELDS =
      Set.of(
          "level",
          "users",
          "userGroups",
          "verbs",
          "resources",
          "namespaces",
          "nonResourceURLs",
          "omitStages",
          "omitManagedFields");
  private static final Set<String> RESOURCE_FIELDS = Set.of("group", "resources", "resourceNames");

  private final List<Rule> rules;
  private final Set<Stage> omitStages;
  private final boolean omitManagedFields;

  private AuditPolicy(List<Rule> rules, Set<Stage> omitStages, boolean omitManagedFields) {
    this.rules = rules;
    this.omitStages = omitStages;
    this.omitManagedFields = omitManagedFields;
  }

  /** Reads {@code --audit-policy-file} (YAML or JSON). */
  public static AuditPolicy load(Path file) {
    try {
      return parse(file.toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the audit policy file " + file, e);
    }
  }

  /**
   * Parses a policy strictly, as upstream loads one: unknown fields, bad levels or stages, and a
   * policy without rules are errors that name the file and the field.
   */
  public static AuditPolicy parse(String name, byte[] content) {
    ObjectNode root;
    try {
      root = Json.parseObject(content, true);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "audit policy " + name + " is not YAML or JSON: " + e.getMessage(), e);
    }
    String where = "audit policy " + name;
    if (!"audit.k8s.io/v1".equals(root.path("apiVersion").asText())
        || !"Policy".equals(root.path("kind").asText())) {
      throw new IllegalArgumentException(
          where
              + " must be apiVersion audit.k8s.io/v1, kind Policy; got apiVersion \""
              + root.path("apiVersion").asText()
              + "\", kind \""
              + root.path("kind").asText()
              + "\"");
    }
    onlyFields(root, POLICY_FIELDS, where);
    List<Rule> rules = new ArrayList<>();
    int i = 0;
    for (JsonNode r : root.path("rules")) {
      rules.add(rule(r, where + ": rules[" + i++ + "]"));
    }
    if (rules.isEmpty()) {
      throw new IllegalArgumentException(
          "loaded illegal policy with 0 rules from " + name + ": add at least one rule");
    }
    return new AuditPolicy(
        List.copyOf(rules),
        stages(root.path("omitStages"), where + ": omitStages"),
        root.path("omitManagedFields").asBoolean(false));
  }

  private static Rule rule(JsonNode r, String where) {
    if (!r.isObject()) {
      throw new IllegalArgumentException(where + " must be an object");
    }
    onlyFields(r, RULE_FIELDS, where);
    Level level;
    try {
      level = Level.valueOf(r.path("level").asText(""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where
              + ".level: Unsupported value: \""
              + r.path("level").asText("")
              + "\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
    }
    List<GroupResources> resources = new ArrayList<>();
    int i = 0;
    for (JsonNode gr : r.path("resources")) {
      String at = where + ".resources[" + i++ + "]";
      onlyFields(gr, RESOURCE_FIELDS, at);
      List<String> names = strings(gr.path("resourceNames"), at + ".resourceNames");
      List<String> res = strings(gr.path("resources"), at + ".resources");
      if (!names.isEmpty() && res.isEmpty()) {
        throw new IllegalArgumentException(
            at + ".resourceNames: resourceNames require a non-empty resources list");
      }
      resources.add(new GroupResources(gr.path("group").asText(""), res, names));
    }
    List<String> namespaces = strings(r.path("namespaces"), where + ".namespaces");
    List<String> urls = strings(r.path("nonResourceURLs"), where + ".nonResourceURLs");
    if (!urls.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
      throw new IllegalArgumentException(
          where + ": rules cannot apply to both regular resources and non-resource URLs");
    }
    for (String u : urls) {
      if (!u.equals("*") && (!u.startsWith("/") || u.indexOf('*') >= 0 && !u.endsWith("*"))) {
        throw new IllegalArgumentException(
            where
                + ".nonResourceURLs: Invalid value: \""
                + u
                + "\": non-resource URLs start with / and may end with one *");
      }
    }
    return new Rule(
        level,
        strings(r.path("users"), where + ".users"),
        strings(r.path("userGroups"), where + ".userGroups"),
        strings(r.path("verbs"), where + ".verbs"),
        resources,
        namespaces,
        urls,
        stages(r.path("omitStages"), where + ".omitStages"),
        r.has("omitManagedFields") ? r.get("omitManagedFields").asBoolean() : null);
  }

  /** Whether no request is ever recorded at {@code stage} (so it need not even be noted). */
  public boolean alwaysOmits(Stage stage) {
    return omitStages.contains(stage)
        || rules.stream().allMatch(r -> r.level() == Level.None || r.omitStages().contains(stage));
  }

  /** The level of a request: the first matching rule's, or None. */
  public Decision decide(Request req) {
    for (Rule r : rules) {
      if (matches(r, req)) {
        Set<Stage> omit = EnumSet.noneOf(Stage.class);
        omit.addAll(omitStages);
        omit.addAll(r.omitStages());
        return new Decision(
            r.level(),
            omit,
            r.omitManagedFields() != null ? r.omitManagedFields() : omitManagedFields);
      }
    }
    return new Decision(Level.None, omitStages, omitManagedFields);
  }

  private static boolean matches(Rule r, Request req) {
    if (!r.users().isEmpty() && (req.user() == null || !r.users().contains(req.user()))) {
      return false;
    }
    if (!r.userGroups().isEmpty() && req.groups().stream().noneMatch(r.userGroups()::contains)) {
      return false;
    }
    if (!r.verbs().isEmpty() && !r.verbs().contains(req.verb())) {
      return false;
    }
    if (!r.namespaces().isEmpty() || !r.resources().isEmpty()) {
      return matchesResource(r, req);
    }
    if (!r.nonResourceURLs().isEmpty()) {
      return !req.resourceRequest()
          && r.nonResourceURLs().stream().anyMatch(spec -> pathMatches(req.path(), spec));
    }
    return true;
  }

  private static boolean matchesResource(Rule r, Request req) {
    if (!req.resourceRequest()) {
      return false;
    }
    if (!r.namespaces().isEmpty() && !r.namespaces().contains(nullToEmpty(req.namespace()))) {
      return false;
    }
    if (r.resources().isEmpty()) {
      return true;
    }
    String sub = nullToEmpty(req.subresource());
    String combined = sub.isEmpty() ? req.resource() : req.resource() + "/" + sub;
    for (GroupResources gr : r.resources()) {
      if (!gr.group().equals(nullToEmpty(req.group()))) {
        continue;
      }
      if (gr.resources().isEmpty()) {
        return true;
      }
      if (!gr.names().isEmpty() && !gr.names().contains(nullToEmpty(req.name()))) {
        continue;
      }
      for (String res : gr.resources()) {
        if (res.equals(combined) || res.equals("*")) {
          return true;
        }
        if (!sub.isEmpty() && res.startsWith("*/") && sub.equals(res.substring(2))) {
          return true;
        }
        if (res.endsWith("/*") && req.resource().equals(res.substring(0, res.length() - 2))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean pathMatches(String path, String spec) {
    return spec.equals("*")
        || spec.equals(path)
        || (spec.endsWith("*") && path.startsWith(spec.substring(0, spec.length() - 1)));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void onlyFields(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new IllegalArgumentException(
            where + ": unknown field \"" + f + "\" (strict decoding: allowed are " + allowed + ")");
      }
    }
  }

  private static List<String> strings(JsonNode node, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + " must be a list of strings");
      }
      out.add(n.asText());
    }
    return List.copyOf(out);
  }

  private static Set<Stage> stages(JsonNode node, String where) {
    Set<Stage> out = EnumSet.noneOf(Stage.class);
    for (String s : strings(node, where)) {
      try {
        out.add(Stage.valueOf(s));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where
                + ": Unsupported value: \""
                + s
                + "\": supported values: \"RequestReceived\", \"ResponseStarted\","
                + " \"ResponseComplete\", \"Panic\"");
      }
    }
    return Set.copyOf(out);
  }
}
