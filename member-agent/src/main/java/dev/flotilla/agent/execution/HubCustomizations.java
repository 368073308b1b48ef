package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.agent.kube.Fabric8Clients;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The hub's ResourceInterpreterCustomizations, followed by an informer and handed to the agent's
 * {@link ResourceInterpreter} as a whole set on every change (Karmada's agent reads them for
 * retention, status reflection and health); each agent's {@code onChange} then runs so its Works
 * are interpreted again. Agents of one hub in one process (simulated fleets) share one informer on
 * a client of its own, so a thousand agents hold one watch, not a thousand.
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

  private static final Map<String, Shared> BY_HUB = new HashMap<>();

  private final String hubUrl;
  private final Shared shared;
  private final Runnable onChange;

  /** The view shared by the agents of one hub. */
  private static final class Shared {
    final ResourceInterpreter interpreter = new ResourceInterpreter();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final KubernetesClient client;
    final SharedIndexInformer<GenericKubernetesResource> informer;
    int users;

    Shared(KubernetesClient agentHub, long resyncMs) {
      this.client = Fabric8Clients.build(agentHub.getConfiguration());
      this.informer = client.genericKubernetesResources(RESOURCE).runnableInformer(resyncMs);
      // The hub may be down or the kind not served yet: keep retrying, meanwhile built-in rules.
      informer.exceptionHandler((started, t) -> true);
      informer.addEventHandler(
          new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
              swap();
            }

            @Override
            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
              swap();
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean finalStateUnknown) {
              swap();
            }
          });
      informer.start();
    }

    private void swap() {
      List<JsonNode> objects = new ArrayList<>();
      for (GenericKubernetesResource r : informer.getStore().list()) {
        objects.add(Json.tree(r));
      }
      interpreter.setCustomizations(Customizations.of(objects, Script.CUSTOMIZATION));
      listeners.forEach(Runnable::run);
    }
  }

  private HubCustomizations(String hubUrl, Shared shared, Runnable onChange) {
    this.hubUrl = hubUrl;
    this.shared = shared;
    this.onChange = onChange;
  }

  /** Joins (or starts) the view of {@code hub}'s customizations; {@code onChange} after swaps. */
  static HubCustomizations join(KubernetesClient hub, long resyncMs, Runnable onChange) {
    String url = String.valueOf(hub.getMasterUrl());
    Shared shared;
    synchronized (BY_HUB) {
      shared = BY_HUB.computeIfAbsent(url, u -> new Shared(hub, resyncMs));
      shared.users++;
    }
    shared.listeners.add(onChange);
    return new HubCustomizations(url, shared, onChange);
  }

  /** The interpreter holding the hub's current customizations. */
  ResourceInterpreter interpreter() {
    return shared.interpreter;
  }

  @Override
  public void close() {
    shared.listeners.remove(onChange);
    synchronized (BY_HUB) {
      if (--shared.users == 0 && BY_HUB.get(hubUrl) == shared) {
        BY_HUB.remove(hubUrl);
        shared.informer.stop();
        shared.client.close();
      }
    }
  }
}
