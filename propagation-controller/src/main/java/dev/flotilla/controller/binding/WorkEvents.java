package dev.flotilla.controller.binding;

import dev.flotilla.controller.runtime.Controller;
import dev.flotilla.controller.runtime.DecodeGuard;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.Optional;

/**
 * The binding controller's Work events, compared by digest ({@link WorkDigests} keeps no Work): a
 * Work created, deleted or changed beyond its status marks its binding stale (its Works are synced
 * on the next reconcile); a change of what status aggregation reads only queues the binding, once
 * per window however many members report. Other status changes are no news to this controller.
 */
final class WorkEvents implements ResourceEventHandler<GenericKubernetesResource> {
  private final Controller controller;
  private final SyncMarks marks;
  private final Duration window;

  WorkEvents(Controller controller, SyncMarks marks, Duration window) {
    this.controller = controller;
    this.marks = marks;
    this.window = window;
  }

  @Override
  public void onAdd(GenericKubernetesResource w) {
    if (DecodeGuard.problem(w).isEmpty()) {
      binding(w).ifPresent(this::stale);
    }
  }

  @Override
  public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
    if (old.getMetadata().getResourceVersion() != null
        && old.getMetadata().getResourceVersion().equals(now.getMetadata().getResourceVersion())) {
      return; // a resync, not a change
    }
    if (DecodeGuard.problem(now).isPresent()) {
      return;
    }
    if (DecodeGuard.problem(old).isPresent()) {
      binding(now).ifPresent(this::stale); // a repaired Work is always news
      return;
    }
    WorkDigest before;
    WorkDigest after;
    try {
      before = WorkDigest.of(old);
      after = WorkDigest.of(now);
    } catch (RuntimeException e) { // an odd Work must not stop the informer: sync its binding
      binding(now).ifPresent(this::stale);
      return;
    }
    if (before.beyondStatus(after)) {
      binding(now).ifPresent(this::stale);
    } else if (before.statusOrBeyond(after)) {
      binding(now).ifPresent(key -> controller.enqueueCoalesced(key, window));
    }
  }

  @Override
  public void onDelete(GenericKubernetesResource w, boolean unknown) {
    binding(w).ifPresent(this::stale);
  }

  private void stale(String key) {
    marks.stale(key);
    controller.enqueueCoalesced(key, window);
  }

  private static Optional<String> binding(GenericKubernetesResource w) {
    return w instanceof WorkDigest.Stub s
        ? Optional.ofNullable(s.digest().bindingKey())
        : BindingKey.ofWork(w);
  }
}
