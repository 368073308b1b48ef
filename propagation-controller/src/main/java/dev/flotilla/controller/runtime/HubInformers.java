package dev.flotilla.controller.runtime;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One informer per hub kind, shared by the controllers of one manager: each adds its own handler,
 * and the hub streams (and this process caches) every binding or Cluster once, not once per
 * controller. Their caches never show an object the client could not decode (it is skipped and
 * reported, see {@link DecodeGuard}).
 *
 * <p>Made with {@link #startingTogether}, informers are not started as they are asked for but all
 * at once by {@link #startAll}, once every controller has added its handlers: a handler added to an
 * informer that has already listed is handed every cached object again (a decode of each binding
 * per controller at a restart), and kinds listed one after another leave the second core idle.
 */
public final class HubInformers implements AutoCloseable {
  private static final java.util.Set<String> COMPACT =
      java.util.Set.of(
          Kinds.RESOURCE_BINDING.getPlural(), Kinds.CLUSTER_RESOURCE_BINDING.getPlural());

  /**
   * Informers list in pages: one response holding every binding (or Work) of a large hub would take
   * hundreds of MiB on both sides at once, as a restart's first list does.
   */
  public static final long LIST_PAGE = 500;

  private final KubernetesClient hub;
  private final Map<String, SharedIndexInformer<GenericKubernetesResource>> byKind =
      new ConcurrentHashMap<>();

  /** Informers made but not started yet, and what waits for them (only before startAll). */
  private final List<SharedIndexInformer<?>> pending = new ArrayList<>();

  private final List<Runnable> afterSync = new ArrayList<>();
  private boolean started;

  /** Informers start (and list) as they are asked for. */
  public HubInformers(KubernetesClient hub) {
    this(hub, true);
  }

  private HubInformers(KubernetesClient hub, boolean started) {
    this.hub = hub;
    this.started = started;
  }

  /**
   * Informers are made and given their handlers as asked for, and started together by {@link
   * #startAll}; until then none has listed, so controllers must not read them ({@link
   * #whenSynced}).
   */
  public static HubInformers startingTogether(KubernetesClient hub) {
    return new HubInformers(hub, false);
  }

  /**
   * Starts {@code informer} (a controller's own, not shared) with the shared ones, so its list runs
   * beside theirs; at once, waiting for its list, once they have started. The caller closes it.
   */
  public void startWithOthers(SharedIndexInformer<?> informer) {
    synchronized (this) {
      if (!started) {
        pending.add(informer);
        return;
      }
    }
    informer.run();
  }

  /**
   * Runs {@code action} once every informer asked for before {@link #startAll} has listed (at once
   * if they have): a controller starts reconciling only when the caches it reads are complete.
   */
  public void whenSynced(Runnable action) {
    synchronized (this) {
      if (!started) {
        afterSync.add(action);
        return;
      }
    }
    action.run();
  }

  /**
   * Starts every informer asked for so far, all at once, waits until each has listed, then runs
   * what waits for that in the order it was asked; later informers start as they are asked for.
   * Returns false, with nothing run, when {@code wanted} turns false meanwhile.
   */
  public boolean startAll(java.util.function.BooleanSupplier wanted) {
    List<Runnable> actions;
    while (true) {
      List<SharedIndexInformer<?>> toStart;
      synchronized (this) {
        if (pending.isEmpty()) {
          started = true; // an informer asked for while the others listed has listed too
          actions = new ArrayList<>(afterSync);
          afterSync.clear();
          break;
        }
        toStart = new ArrayList<>(pending);
        pending.clear();
      }
      if (!listed(toStart, wanted)) {
        return false;
      }
    }
    actions.forEach(Runnable::run);
    return true;
  }

  /** Starts the informers at once and waits until each has listed; false if no longer wanted. */
  private static boolean listed(
      List<SharedIndexInformer<?>> informers, java.util.function.BooleanSupplier wanted) {
    java.util.concurrent.CompletableFuture<?>[] lists =
        new java.util.concurrent.CompletableFuture<?>[informers.size()];
    for (int i = 0; i < lists.length; i++) {
      lists[i] = informers.get(i).start().toCompletableFuture();
    }
    java.util.concurrent.CompletableFuture<Void> all =
        java.util.concurrent.CompletableFuture.allOf(lists);
    while (true) {
      try {
        all.get(1, java.util.concurrent.TimeUnit.SECONDS);
        return true;
      } catch (java.util.concurrent.TimeoutException e) {
        if (!wanted.getAsBoolean()) {
          return false;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("an informer could not list", e.getCause());
      }
    }
  }

  /** The shared informer of a kind (all namespaces), started on first use; handler may be null. */
  public synchronized SharedIndexInformer<GenericKubernetesResource> inform(
      ResourceDefinitionContext kind, ResourceEventHandler<GenericKubernetesResource> handler) {
    String key = kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getPlural();
    SharedIndexInformer<GenericKubernetesResource> informer = byKind.get(key);
    if (informer == null) {
      var resources = hub.genericKubernetesResources(kind);
      informer =
          kind.isNamespaceScoped()
              ? resources.inAnyNamespace().withLimit(LIST_PAGE).runnableInformer(0)
              : resources.withLimit(LIST_PAGE).runnableInformer(0);
      // Bindings are as many as templates: kept compact. Clusters and policies are few and read
      // whole on every reconcile, so they stay decoded.
      informer.itemStore(
          COMPACT.contains(kind.getPlural()) ? new CompactItemStore() : new SkippingItemStore<>());
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      startOrDefer(informer);
      byKind.put(key, informer);
    } else if (handler != null) {
      informer.addEventHandler(handler);
    }
    return informer;
  }

  /**
   * The shared informer of the objects of a kind that carry {@code label} (any value), all
   * namespaces; handler may be null. For a controller that looks at a few objects of a kind the hub
   * holds by the hundred thousand (a quota's Works among every Work of the fleet): the hub filters,
   * so this process neither receives nor caches the rest.
   */
  public synchronized SharedIndexInformer<GenericKubernetesResource> informLabelled(
      ResourceDefinitionContext kind,
      String label,
      ResourceEventHandler<GenericKubernetesResource> handler) {
    String key = kind.getGroup() + "/" + kind.getVersion() + "/" + kind.getPlural() + "?" + label;
    SharedIndexInformer<GenericKubernetesResource> informer = byKind.get(key);
    if (informer == null) {
      var resources = hub.genericKubernetesResources(kind);
      informer =
          (kind.isNamespaceScoped()
                  ? resources.inAnyNamespace().withLabel(label)
                  : resources.withLabel(label))
              .withLimit(LIST_PAGE)
              .runnableInformer(0);
      informer.itemStore(new SkippingItemStore<>());
      if (handler != null) {
        informer.addEventHandler(handler);
      }
      startOrDefer(informer);
      byKind.put(key, informer);
    } else if (handler != null) {
      informer.addEventHandler(handler);
    }
    return informer;
  }

  /** Holding the lock: lists now, or leaves it to {@link #startAll}. */
  private void startOrDefer(SharedIndexInformer<GenericKubernetesResource> informer) {
    if (started) {
      informer.run();
    } else {
      pending.add(informer);
    }
  }

  @Override
  public void close() {
    byKind.values().forEach(SharedIndexInformer::close);
    byKind.clear();
  }
}
