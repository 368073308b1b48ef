package dev.flotilla.apiserver.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The defaults of a pod spec and its containers, as a real cluster stores them. */
final class PodTemplateDefaults {
  private PodTemplateDefaults() {}

  /** Fills the defaults of {@code template.spec}, if the template has a spec. */
  static void applyToTemplate(JsonNode template) {
    if (template != null && template.path("spec").isObject()) {
      applyToPodSpec((ObjectNode) template.get("spec"));
    }
  }

  static void applyToPodSpec(ObjectNode spec) {
    Defaults.putIfAbsent(spec, "restartPolicy", "Always");
    Defaults.putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
    Defaults.putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    Defaults.putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode c : spec.path(list)) {
        if (c.isObject()) {
          applyToContainer((ObjectNode) c);
        }
      }
    }
  }

  private static void applyToContainer(ObjectNode c) {
    Defaults.putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
    Defaults.putIfAbsent(c, "terminationMessagePolicy", "File");
    Defaults.putIfAbsent(
        c, "imagePullPolicy", pullsAlways(c.path("image").asText("")) ? "Always" : "IfNotPresent");
    for (JsonNode port : c.path("ports")) {
      if (port.isObject()) {
        Defaults.putIfAbsent((ObjectNode) port, "protocol", "TCP");
      }
    }
  }

  /** An image without a tag or digest, or tagged "latest", is pulled every time. */
  static boolean pullsAlways(String image) {
    if (image.contains("@")) {
      return false;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon <= slash || image.substring(colon + 1).equals("latest");
  }
}
