package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Function;

/** An informer handler that only maps events to keys and enqueues them. */
public final class EnqueueHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
  private final Controller controller;
  private final Function<T, Iterable<String>> keys;

  public EnqueueHandler(Controller controller, Function<T, Iterable<String>> keys) {
    this.controller = controller;
    this.keys = keys;
  }

  /** Enqueues the object's own key. */
  public static <T extends HasMetadata> EnqueueHandler<T> self(Controller controller) {
    return new EnqueueHandler<>(controller, o -> java.util.List.of(Keys.of(o)));
  }

  @Override
  public void onAdd(T obj) {
    keys.apply(obj).forEach(controller::enqueue);
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    if (oldObj.getMetadata().getResourceVersion() != null
        && oldObj
            .getMetadata()
            .getResourceVersion()
            .equals(newObj.getMetadata().getResourceVersion())) {
      return; // a resync, not a change
    }
    keys.apply(newObj).forEach(controller::enqueue);
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    keys.apply(obj).forEach(controller::enqueue);
  }
}
