package dev.flotilla.policies.dependencies;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.trust.Provenance;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a workload's pod template references and must therefore travel with it when its policy says
 * {@code propagateDeps: true}: ConfigMaps, Secrets, ServiceAccounts and PersistentVolumeClaims, as
 * Karmada's default dependency interpreter finds them (volumes, projected sources, env valueFrom,
 * envFrom, imagePullSecrets, serviceAccountName; every container list). Pure.
 */
public final class PodDependencies {
  /** Secret references of volume sources other than {@code secret} and {@code projected}. */
  private static final List<String[]> VOLUME_SECRET_REFS =
      List.of(
          new String[] {"azureFile", "secretName"},
          new String[] {"cephfs", "secretRef", "name"},
          new String[] {"cinder", "secretRef", "name"},
          new String[] {"flexVolume", "secretRef", "name"},
          new String[] {"rbd", "secretRef", "name"},
          new String[] {"scaleIO", "secretRef", "name"},
          new String[] {"iscsi", "secretRef", "name"},
          new String[] {"storageos", "secretRef", "name"},
          new String[] {"csi", "nodePublishSecretRef", "name"});

  private static final List<String> CONTAINER_LISTS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private PodDependencies() {}

  /**
   * The dependencies of a template whose kind Karmada interprets (Deployment, ReplicaSet,
   * DaemonSet, StatefulSet, Job, CronJob, Pod in their built-in groups); empty for any other kind.
   */
  public static List<DependentObject> of(JsonNode template) {
    String apiVersion = template.path("apiVersion").asText();
    String kind = template.path("kind").asText();
    String namespace = template.path("metadata").path("namespace").asText("");
    JsonNode podSpec;
    switch (apiVersion + "/" + kind) {
      case "apps/v1/Deployment", "apps/v1/ReplicaSet", "apps/v1/DaemonSet", "batch/v1/Job" ->
          podSpec = template.path("spec").path("template").path("spec");
      case "apps/v1/StatefulSet" -> {
        // Claims a volumeClaimTemplate makes are the StatefulSet's own in each member.
        Set<String> claimTemplates = new TreeSet<>();
        for (JsonNode t : template.path("spec").path("volumeClaimTemplates")) {
          claimTemplates.add(t.path("metadata").path("name").asText());
        }
        List<DependentObject> deps = new ArrayList<>();
        for (DependentObject d :
            fromPodSpec(template.path("spec").path("template").path("spec"), namespace)) {
          if (!("PersistentVolumeClaim".equals(d.kind()) && claimTemplates.contains(d.name()))) {
            deps.add(d);
          }
        }
        return deps;
      }
      case "batch/v1/CronJob" ->
          podSpec =
              template.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
      case "v1/Pod" -> podSpec = template.path("spec");
      default -> {
        return List.of();
      }
    }
    return fromPodSpec(podSpec, namespace);
  }

  /** The dependencies of a pod template ({@code {metadata, spec}}) in {@code namespace}. */
  public static List<DependentObject> ofPodTemplate(JsonNode podTemplate, String namespace) {
    return fromPodSpec(podTemplate.path("spec"), namespace);
  }

  /** ConfigMaps, then Secrets, ServiceAccounts and claims, each sorted by name, each once. */
  static List<DependentObject> fromPodSpec(JsonNode spec, String namespace) {
    Set<String> configMaps = new TreeSet<>();
    Set<String> secrets = new TreeSet<>();
    Set<String> claims = new TreeSet<>();
    Set<String> serviceAccounts = new TreeSet<>();
    for (JsonNode ref : spec.path("imagePullSecrets")) {
      add(secrets, ref.path("name"));
    }
    for (String list : CONTAINER_LISTS) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode from : c.path("envFrom")) {
          add(configMaps, from.path("configMapRef").path("name"));
          add(secrets, from.path("secretRef").path("name"));
        }
        for (JsonNode env : c.path("env")) {
          JsonNode valueFrom = env.path("valueFrom");
          add(configMaps, valueFrom.path("configMapKeyRef").path("name"));
          add(secrets, valueFrom.path("secretKeyRef").path("name"));
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      add(configMaps, v.path("configMap").path("name"));
      add(secrets, v.path("secret").path("secretName"));
      add(claims, v.path("persistentVolumeClaim").path("claimName"));
      for (JsonNode source : v.path("projected").path("sources")) {
        add(configMaps, source.path("configMap").path("name"));
        add(secrets, source.path("secret").path("name"));
      }
      for (String[] path : VOLUME_SECRET_REFS) {
        JsonNode n = v;
        for (String p : path) {
          n = n.path(p);
        }
        add(secrets, n);
      }
    }
    String sa = spec.path("serviceAccountName").asText("");
    if (!sa.isEmpty() && !"default".equals(sa)) {
      serviceAccounts.add(sa); // every namespace has "default": it never needs to travel
    }
    List<DependentObject> deps = new ArrayList<>();
    configMaps.stream()
        .filter(n -> !Provenance.isControlPlaneObject("v1", "ConfigMap", n))
        .forEach(n -> deps.add(new DependentObject("v1", "ConfigMap", namespace, n)));
    secrets.forEach(n -> deps.add(new DependentObject("v1", "Secret", namespace, n)));
    serviceAccounts.forEach(
        n -> deps.add(new DependentObject("v1", "ServiceAccount", namespace, n)));
    claims.forEach(n -> deps.add(new DependentObject("v1", "PersistentVolumeClaim", namespace, n)));
    return deps;
  }

  private static void add(Set<String> names, JsonNode name) {
    if (name.isTextual() && !name.asText().isEmpty()) {
      names.add(name.asText());
    }
  }
}
