package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records core/v1 Events about hub objects so {@code kubectl describe} shows what controllers
 * decided. Recording never fails a reconcile.
 */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class.getName());
  private final KubernetesClient hub;
  private final String component;

  public EventRecorder(KubernetesClient hub, String component) {
    this.hub = hub;
    this.component = component;
  }

  /** Records an event; cluster-scoped objects get theirs in "default", as upstream. */
  public void record(
      String apiVersion,
      String kind,
      String namespace,
      String name,
      String uid,
      String type,
      String reason,
      String message) {
    String ns = namespace == null ? "default" : namespace;
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      hub.v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name + "." + UUID.randomUUID().toString().substring(0, 8))
                  .withNamespace(ns)
                  .endMetadata()
                  .withInvolvedObject(
                      new ObjectReferenceBuilder()
                          .withApiVersion(apiVersion)
                          .withKind(kind)
                          .withNamespace(namespace)
                          .withName(name)
                          .withUid(uid)
                          .build())
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withNewSource()
                  .withComponent(component)
                  .endSource()
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withReportingComponent(component)
                  .build())
          .create();
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not record event " + reason + " on " + kind + " " + name, e);
    }
  }
}
