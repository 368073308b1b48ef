package dev.flotilla.controller.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.controller.runtime.EventRecorder;
import dev.flotilla.controller.runtime.HubInformers;
import dev.flotilla.controller.runtime.Kinds;
import dev.flotilla.controller.runtime.Trees;
import dev.flotilla.policies.interpreter.Customizations;
import dev.flotilla.policies.interpreter.InterpretationException;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.interpreter.Script;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The hub's resource interpreter: Karmada's precedence (ResourceInterpreterCustomization, then the
 * shipped third-party scripts, then built-in rules) over the customizations an informer follows.
 * When the set changes, listeners hear which target kinds (apiVersion, kind) changed, so the
 * controllers that read those kinds look again. Script failures are recorded as Warning events on
 * the binding whose template the script failed on.
 */
public final class HubInterpreter implements AutoCloseable {
  public static final String NAME = "resource-interpreter";

  /** Event reasons, after Karmada's (events.EventReasonInterpret*Failed). */
  public static final String REPLICA_FAILED = "InterpretReplicaFailed";

  public static final String DEPENDENCY_FAILED = "InterpretDependencyFailed";
  public static final String AGGREGATE_FAILED = "AggregateStatusFailed";
  public static final String REVISE_FAILED = "ReviseReplicaFailed";

  private final ResourceInterpreter interpreter = new ResourceInterpreter();
  private final SharedIndexInformer<GenericKubernetesResource> customizations;
  private final EventRecorder events;
  private final List<BiConsumer<String, String>> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<String> targets = Set.of();
  private final Set<String> recorded = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public HubInterpreter(KubernetesClient hub, HubInformers informers) {
    this.events = new EventRecorder(hub, NAME);
    this.customizations =
        informers.inform(
            Kinds.RESOURCE_INTERPRETER_CUSTOMIZATION,
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(GenericKubernetesResource obj) {
                reload();
              }

              @Override
              public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                reload();
              }

              @Override
              public void onDelete(GenericKubernetesResource obj, boolean unknown) {
                reload();
              }
            });
    // Once listed: with informers started together, the cache is still empty here.
    informers.whenSynced(this::reload);
  }

  /** The interpreter, with the hub's current customizations. */
  public ResourceInterpreter interpreter() {
    return interpreter;
  }

  /** Calls {@code listener(apiVersion, kind)} for each target kind whose customizations changed. */
  public void onChange(BiConsumer<String, String> listener) {
    listeners.add(listener);
  }

  /**
   * Records a script failure as a Warning event on a binding.
   *
   * @param binding the ResourceBinding or ClusterResourceBinding
   */
  public void recordFailure(JsonNode binding, String reason, InterpretationException e) {
    String key =
        Trees.text(binding, "metadata", "namespace")
            + "/"
            + Trees.text(binding, "metadata", "name")
            + "|"
            + Trees.text(binding, "metadata", "uid")
            + "|"
            + e.getMessage();
    if (recorded.size() > 10_000) {
      recorded.clear(); // a bound, not a cache: at worst an event is recorded twice
    }
    if (!recorded.add(key)) {
      return; // retries of the same failure are not news
    }
    events.record(
        Trees.text(binding, "apiVersion"),
        Trees.text(binding, "kind"),
        Trees.text(binding, "metadata", "namespace"),
        Trees.text(binding, "metadata", "name"),
        Trees.text(binding, "metadata", "uid"),
        "Warning",
        reason,
        e.getMessage());
  }

  private synchronized void reload() {
    if (customizations == null) {
      return; // the informer's first events arrive before the constructor assigned it
    }
    List<JsonNode> objects = new ArrayList<>();
    Set<String> now = new HashSet<>();
    for (GenericKubernetesResource r : customizations.getStore().list()) {
      JsonNode tree = Trees.tree(r);
      objects.add(tree);
      JsonNode target = tree.path("spec").path("target");
      now.add(target.path("apiVersion").asText("") + "|" + target.path("kind").asText(""));
    }
    interpreter.setCustomizations(Customizations.of(objects, Script.CUSTOMIZATION));
    Set<String> changed = new HashSet<>(now);
    changed.addAll(targets);
    targets = now;
    for (String t : changed) {
      String[] parts = t.split("\\|", 2);
      listeners.forEach(l -> l.accept(parts[0], parts[1]));
    }
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
