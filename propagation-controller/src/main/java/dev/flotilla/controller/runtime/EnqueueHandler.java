package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An informer handler that only maps events to keys and enqueues them. An object the client could
 * not decode ({@link DecodeGuard}) is never enqueued: its reconcile would act on a guess. Its
 * deletion is, so that whatever was derived from an earlier good version is cleaned up.
 */
public final class EnqueueHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
  private static final Logger LOG = LoggerFactory.getLogger(EnqueueHandler.class);
  private final Controller controller;
  private final Function<T, Iterable<String>> keys;
  private final BiPredicate<T, T> updateMatters;
  private final Duration coalesce;

  public EnqueueHandler(Controller controller, Function<T, Iterable<String>> keys) {
    this(controller, keys, (a, b) -> true, null);
  }

  private EnqueueHandler(
      Controller controller,
      Function<T, Iterable<String>> keys,
      BiPredicate<T, T> updateMatters,
      Duration coalesce) {
    this.controller = controller;
    this.keys = keys;
    this.updateMatters = updateMatters;
    this.coalesce = coalesce;
  }

  /** This handler, enqueueing on updates only when {@code matters(old, new)}. */
  public EnqueueHandler<T> onlyIf(BiPredicate<T, T> matters) {
    return new EnqueueHandler<>(controller, keys, matters, coalesce);
  }

  /** This handler, with keys queued once per {@code window} however many events arrive. */
  public EnqueueHandler<T> coalescing(Duration window) {
    return new EnqueueHandler<>(controller, keys, updateMatters, window);
  }

  private void enqueue(T obj) {
    enqueue(obj, false);
  }

  private void enqueue(T obj, boolean arrival) {
    Iterable<String> mapped;
    try {
      mapped = keys.apply(obj);
    } catch (RuntimeException e) {
      // A key function that trips on an odd object must not take the informer's handler down.
      String name = obj.getMetadata() == null ? null : obj.getMetadata().getName();
      LOG.warn(controller.name() + ": cannot map " + name + " to keys", e);
      return;
    }
    for (String key : mapped) {
      if (coalesce == null && arrival) {
        controller.enqueueArrival(key);
      } else if (coalesce == null) {
        controller.enqueue(key);
      } else {
        controller.enqueueCoalesced(key, coalesce);
      }
    }
  }

  /** Enqueues the object's own key. */
  public static <T extends HasMetadata> EnqueueHandler<T> self(Controller controller) {
    return new EnqueueHandler<>(controller, o -> java.util.List.of(Keys.of(o)));
  }

  @Override
  public void onAdd(T obj) {
    if (DecodeGuard.problem(obj).isEmpty()) {
      enqueue(obj, true);
    }
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
    if (DecodeGuard.problem(newObj).isPresent()) {
      return;
    }
    if (DecodeGuard.problem(oldObj).isPresent() || updateMatters.test(oldObj, newObj)) {
      enqueue(newObj); // a repaired object is always news
    }
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    enqueue(obj);
  }
}
