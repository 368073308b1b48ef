package dev.flotilla.apiserver.preview;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.objects.ListQuery;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.storage.KeyValue;
import dev.flotilla.apiserver.validation.WriteContext;
import dev.flotilla.policies.matching.PolicyChoice;
import dev.flotilla.policies.matching.PolicyMatcher;
import dev.flotilla.policies.placement.ClusterVerdict;
import dev.flotilla.policies.placement.ScheduleResult;
import dev.flotilla.policies.placement.Scheduler;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The placement preview, which no peer has: a dry-run create or update of a PropagationPolicy or
 * ClusterPropagationPolicy answers, in {@code status.placementPreview}, which templates the policy
 * would claim and, for each, the clusters the scheduler would choose and why every other cluster
 * was filtered out. It reads the store; it writes nothing.
 */
public final class PlacementPreview {
  private static final String GROUP = "policy.karmada.io";

  private final ResourceStorage storage;
  private final Scheduler scheduler = Scheduler.withDefaultPlugins();

  public PlacementPreview(ResourceStorage storage) {
    this.storage = storage;
  }

  /** True for the kinds a preview is computed for. */
  public static boolean applies(ResourceType type) {
    return type.group().equals(GROUP)
        && (type.plural().equals("propagationpolicies")
            || type.plural().equals("clusterpropagationpolicies"));
  }

  /** Adds {@code status.placementPreview} to the would-be policy. */
  public void annotate(ResourceType type, ObjectNode policy) {
    boolean clusterPolicy = type.plural().equals("clusterpropagationpolicies");
    String namespace = Meta.namespace(policy);
    List<JsonNode> pps =
        others(type, "propagationpolicies", clusterPolicy ? null : policy, namespace);
    List<JsonNode> cpps =
        others(type, "clusterpropagationpolicies", clusterPolicy ? policy : null, null);
    List<JsonNode> clusters = list("cluster.karmada.io", "v1alpha1", "clusters", null);
    ArrayNode templates = Json.MAPPER.createArrayNode();
    ArrayNode elsewhere = Json.MAPPER.createArrayNode();
    Set<String> seenKinds = new LinkedHashSet<>();
    for (JsonNode selector : policy.path("spec").path("resourceSelectors")) {
      String apiVersion = selector.path("apiVersion").asText();
      String kind = selector.path("kind").asText();
      if (!seenKinds.add(apiVersion + "/" + kind)) {
        continue;
      }
      ResourceType templateType = storage.registry().findKind(apiVersion, kind).orElse(null);
      if (templateType == null) {
        continue;
      }
      for (KeyValue kv :
          ListQuery.list(
                  storage,
                  templateType,
                  templateType.namespaced() && !clusterPolicy ? namespace : null,
                  everything())
              .items()) {
        ObjectNode template = storage.toVersion(templateType, kv.value());
        PolicyChoice choice = PolicyMatcher.choose(template, pps, cpps);
        if (choice.policy() != null && samePolicy(choice.policy(), policy)) {
          ObjectNode entry = preview(template, policy, clusters);
          ClaimNotes.currentClaimant(template, policy).ifPresent(c -> entry.put("claimedBy", c));
          templates.add(entry);
        } else if (ClaimNotes.selects(policy, template)) {
          elsewhere.add(ClaimNotes.claimedElsewhere(template, choice));
        }
      }
    }
    ObjectNode status = policy.with("status");
    ObjectNode preview = status.putObject("placementPreview");
    preview.put("clusters", clusters.size());
    preview.set("templates", templates);
    if (!elsewhere.isEmpty()) {
      preview.set("claimedElsewhere", elsewhere);
    }
    List<String> unknown = ClaimNotes.unknownClusters(policy, clusters);
    if (!unknown.isEmpty()) {
      ArrayNode names = preview.putArray("unknownClusters");
      unknown.forEach(names::add);
      WriteContext.current()
          .warn(
              "the placement names cluster(s) that do not exist: "
                  + String.join(", ", unknown)
                  + " (kubectl get clusters lists them)");
    }
  }

  private ObjectNode preview(ObjectNode template, ObjectNode policy, List<JsonNode> clusters) {
    ObjectNode spec = Json.MAPPER.createObjectNode();
    ObjectNode resource = spec.putObject("resource");
    resource.put("apiVersion", template.path("apiVersion").asText());
    resource.put("kind", template.path("kind").asText());
    if (Meta.namespace(template) != null) {
      resource.put("namespace", Meta.namespace(template));
    }
    resource.put("name", Meta.name(template));
    if (template.path("spec").path("replicas").isIntegralNumber()) {
      spec.put("replicas", template.path("spec").path("replicas").asInt());
    }
    spec.set("placement", policy.path("spec").path("placement"));
    ScheduleResult result = scheduler.schedule(null, spec, null, clusters);
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.set("resource", resource);
    out.put("scheduled", result.scheduled());
    out.put("message", result.scheduled() ? ScheduleResult.SUCCESS_MESSAGE : result.message());
    out.set("clusters", result.clustersJson());
    ArrayNode filtered = out.putArray("filtered");
    for (ClusterVerdict v : result.verdicts()) {
      if (!v.chosen()) {
        ObjectNode f = filtered.addObject();
        f.put("cluster", v.cluster());
        if (!v.plugin().isEmpty()) {
          f.put("plugin", v.plugin());
        }
        f.put("reason", v.reason());
      }
    }
    return out;
  }

  /** Stored policies of one kind, with the previewed one in place of its stored version. */
  private List<JsonNode> others(
      ResourceType type, String plural, ObjectNode previewed, String namespace) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : list(GROUP, "v1alpha1", plural, namespace)) {
      if (previewed == null || !Meta.name((ObjectNode) p).equals(Meta.name(previewed))) {
        out.add(p);
      }
    }
    if (previewed != null) {
      ObjectNode copy = previewed.deepCopy();
      if (Meta.uid(copy) == null) {
        Meta.metadata(copy).put("uid", "preview");
      }
      out.add(copy);
    }
    return out;
  }

  private List<JsonNode> list(String group, String version, String plural, String namespace) {
    ResourceType type = storage.registry().find(group, version, plural).orElse(null);
    List<JsonNode> out = new ArrayList<>();
    if (type == null) {
      return out;
    }
    for (KeyValue kv : ListQuery.list(storage, type, namespace, everything()).items()) {
      out.add(storage.toVersion(type, kv.value()));
    }
    return out;
  }

  private static boolean samePolicy(JsonNode a, JsonNode b) {
    return a.path("kind").asText().equals(b.path("kind").asText())
        && a.path("metadata").path("name").asText().equals(b.path("metadata").path("name").asText())
        && a.path("metadata")
            .path("namespace")
            .asText()
            .equals(b.path("metadata").path("namespace").asText());
  }

  private static ListOptions everything() {
    return new ListOptions(LabelSelector.parse(""), null, 0, null, "", false);
  }
}
