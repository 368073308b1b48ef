package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Json;
import dev.flotilla.policies.interpreter.Customizations;
import dev.flotilla.policies.interpreter.ResourceInterpreter;
import dev.flotilla.policies.interpreter.Script;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The hub's ResourceInterpreterCustomizations, followed by an informer and handed to the agent's
 * {@link ResourceInterpreter} as a whole set on every change (as Karmada's agent reads them for
 * retention, status reflection and health). {@code onChange} runs after each swap so Works are
 * interpreted again.
 */
final class HubCustomizations implements AutoCloseable {
  static final ResourceDefinitionContext RESOURCE =
      new ResourceDefinitionContext.Builder()
          .withGroup("config.karmada.io")
          .withVersion("v1alpha1")
          .withKind("ResourceInterpreterCustomization")
          .withPlural("resourceinterpretercustomizations")
          .withNamespaced(false)
          .build();

  private final ResourceInterpreter interpreter;
  private final SharedIndexInformer<GenericKubernetesResource> informer;

  HubCustomizations(
      KubernetesClient hub, ResourceInterpreter interpreter, long resyncMs, Runnable onChange) {
    this.interpreter = interpreter;
    this.informer = hub.genericKubernetesResources(RESOURCE).runnableInformer(resyncMs);
    // The hub may be down or the kind not yet served: keep retrying, meanwhile built-in rules.
    informer.exceptionHandler((started, t) -> true);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource obj) {
            swap(onChange);
          }

          @Override
          public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
            if (!old.getMetadata()
                .getResourceVersion()
                .equals(obj.getMetadata().getResourceVersion())) {
              swap(onChange);
            }
          }

          @Override
          public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
            swap(onChange);
          }
        });
  }

  void start() {
    informer.start();
  }

  private void swap(Runnable onChange) {
    List<JsonNode> objects = new ArrayList<>();
    for (GenericKubernetesResource r : informer.getStore().list()) {
      objects.add(Json.tree(r));
    }
    interpreter.setCustomizations(Customizations.of(objects, Script.CUSTOMIZATION));
    onChange.run();
  }

  @Override
  public void close() {
    informer.stop();
  }
}
