package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.policies.trust.Provenance;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers' entry check on bindings ({@link Provenance}): informer handlers drop the keys of
 * bindings the detector could not have made, and reconciles check again, saying why once per
 * binding version in a log line and a Warning Event {@value #REASON}.
 */
public final class TrustedBindings {
  public static final String REASON = "BindingRefused";
  private static final Logger LOG = LoggerFactory.getLogger(TrustedBindings.class);

  private final String controller;
  private final EventRecorder events;

  /** Binding key to the resourceVersion last reported, so each version is reported once. */
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  /**
   * @param events where refusals are recorded; null to log only
   */
  public TrustedBindings(String controller, EventRecorder events) {
    this.controller = controller;
    this.events = events;
  }

  /** Why the controllers must leave {@code b} alone, or empty (pure; for handlers). */
  public static Optional<String> refusal(GenericKubernetesResource b) {
    return Provenance.bindingRefusal(
        new Provenance.Binding(
            b.getKind(),
            b.getMetadata().getNamespace(),
            b.getMetadata().getName(),
            text(b.get("spec", "resource", "apiVersion")),
            text(b.get("spec", "resource", "kind")),
            text(b.get("spec", "resource", "namespace")),
            text(b.get("spec", "resource", "name"))));
  }

  /** Why the controllers must leave {@code binding} alone, or empty. */
  public static Optional<String> refusal(JsonNode binding) {
    return Provenance.bindingRefusal(Provenance.Binding.of(binding));
  }

  /** True when a handler may enqueue {@code b}. */
  public static boolean trusted(GenericKubernetesResource b) {
    return refusal(b).isEmpty();
  }

  /** Logs, and records as a Warning Event, that {@code key} was skipped; once per version. */
  public void report(String key, JsonNode binding, String why) {
    String rv = Trees.text(binding, "metadata", "resourceVersion");
    if (rv != null && rv.equals(reported.put(key, rv))) {
      return;
    }
    Provenance.Binding b = Provenance.Binding.of(binding);
    String message = "ignored: " + why;
    LOG.warn(controller + ": " + b.describe() + " " + message);
    if (events != null) {
      events.record(
          Trees.text(binding, "apiVersion"),
          b.kind(),
          b.namespace(),
          b.name(),
          Trees.text(binding, "metadata", "uid"),
          "Warning",
          REASON,
          message);
    }
  }

  /** Forgets a binding that is gone. */
  public void forget(String key) {
    reported.remove(key);
  }

  private static String text(Object value) {
    return value instanceof String s ? s : null;
  }
}
