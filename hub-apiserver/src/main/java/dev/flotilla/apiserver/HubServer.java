package dev.flotilla.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.agent.AgentAdmission;
import dev.flotilla.apiserver.agent.AgentRbacController;
import dev.flotilla.apiserver.audit.AuditLog;
import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.BootstrapTokens;
import dev.flotilla.apiserver.auth.CertificateAuthority;
import dev.flotilla.apiserver.auth.DataDirectory;
import dev.flotilla.apiserver.auth.KubeconfigContext;
import dev.flotilla.apiserver.auth.KubeconfigWriter;
import dev.flotilla.apiserver.auth.ServiceAccounts;
import dev.flotilla.apiserver.auth.TokenAuthenticator;
import dev.flotilla.apiserver.certificates.Certificates;
import dev.flotilla.apiserver.controllers.ApiServiceRegistration;
import dev.flotilla.apiserver.controllers.CrdController;
import dev.flotilla.apiserver.controllers.NamespaceController;
import dev.flotilla.apiserver.controllers.SystemControllers;
import dev.flotilla.apiserver.defaults.BuiltinDefaults;
import dev.flotilla.apiserver.encryption.EncryptionConfig;
import dev.flotilla.apiserver.events.EventExpiry;
import dev.flotilla.apiserver.http.ApiMetrics;
import dev.flotilla.apiserver.http.ApiServer;
import dev.flotilla.apiserver.http.ApiServerConfig;
import dev.flotilla.apiserver.http.Authorizer;
import dev.flotilla.apiserver.http.HealthChecks;
import dev.flotilla.apiserver.objects.CreateIfAbsent;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.openapi.OpenApiV3;
import dev.flotilla.apiserver.preview.PlacementPreview;
import dev.flotilla.apiserver.rbac.Rbac;
import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceRegistry;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.memory.MemoryStore;
import dev.flotilla.apiserver.storage.sqlite.SqliteStore;
import dev.flotilla.apiserver.validation.SchemaAdmission;
import dev.flotilla.policies.crd.CrdManifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A whole hub API server: store, registry, admission, built-in controllers (CRDs, namespaces,
 * garbage collection, compaction), TLS and tokens, and the HTTPS endpoint. Tests start one on an
 * ephemeral port; the launcher starts one on 6443.
 */
public final class HubServer implements AutoCloseable {
  /** Like kube-apiserver's default --etcd-compaction-interval. */
  private static final long COMPACTION_INTERVAL_SECONDS = 300;

  private final HubConfig config;
  private final Store store;
  private final ResourceStorage storage;
  private final TokenAuthenticator authenticator;
  private final CertificateAuthority ca;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  // One compaction thread for every server in the process: simulated members host hundreds of
  // servers in one JVM, and each compacts once every five minutes.
  private static final ScheduledExecutorService COMPACTOR =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "store-compactor");
            t.setDaemon(true);
            return t;
          });
  private volatile java.util.concurrent.ScheduledFuture<?> compaction;
  private final ServerRuntime runtime;
  private final boolean ownsRuntime;
  private final boolean http2;
  private ApiServer server;
  private Authorizer authorizer = Authorizer.MASTERS;
  private java.time.Duration eventTtl = EventExpiry.DEFAULT_TTL;
  private Rbac rbac;
  private ServiceAccounts serviceAccounts;
  private Certificates certificates;
  private volatile boolean electedControllers;
  private volatile SystemControllers.Parts systemParts;
  private final HealthChecks health = new HealthChecks();
  private final java.util.Map<String, dev.flotilla.apiserver.http.ExtensionHandler> extensions =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest>>
      rawHandlers = new java.util.concurrent.ConcurrentHashMap<>();

  private HubServer(HubConfig config, Hosting hosting) {
    DataDirectory.prepare(config.dataDir());
    this.config = config;
    this.ownsRuntime = hosting.runtime() == null;
    this.http2 = hosting.http2();
    this.runtime = ownsRuntime ? ServerRuntime.create() : hosting.runtime();
    this.ca = CertificateAuthority.loadOrCreate(config.dataDir(), config.extraSans());
    this.authenticator = TokenAuthenticator.loadOrCreate(config.dataDir(), config.tokenAuthFile());
    authenticator.allowAnonymous(config.security().anonymousAuth());
    this.store =
        hosting.inMemoryStore()
            ? new MemoryStore()
            : hosting.store() != null
                ? hosting
                    .store()
                    .apply(
                        EncryptionConfig.transformer(config.security().encryptionProviderConfig()))
                : SqliteStore.open(
                    DataDirectory.secureStore(config.dataDir()),
                    EncryptionConfig.transformer(config.security().encryptionProviderConfig()));
    dev.flotilla.workqueue.StartupTimeline.first("store opened");
    ResourceRegistry registry = new ResourceRegistry(BuiltinCatalogue.get().types());
    this.storage = new ResourceStorage(store, registry, runtime.workers());
  }

  /**
   * How a server is hosted.
   *
   * @param runtime event loops and workers shared with other servers in this process, or null for
   *     the server's own
   * @param inMemoryStore keep objects in memory only (simulated members: their durability is not
   *     what is measured); a hub always stores durably
   * @param http2 also serve HTTP/2 (see {@link ApiServerConfig#http2()})
   * @param store opens another durable store (e.g. etcd) with the at-rest transformer, or null for
   *     SQLite in the data directory
   */
  public record Hosting(
      ServerRuntime runtime,
      boolean inMemoryStore,
      boolean http2,
      java.util.function.Function<dev.flotilla.apiserver.storage.ValueTransformer, Store> store) {
    /** HTTP/1.1 only, SQLite in the data directory. */
    public Hosting(ServerRuntime runtime, boolean inMemoryStore) {
      this(runtime, inMemoryStore, false, null);
    }

    /** SQLite in the data directory. */
    public Hosting(ServerRuntime runtime, boolean inMemoryStore, boolean http2) {
      this(runtime, inMemoryStore, http2, null);
    }

    /** HTTP/1.1 only, on the store {@code store} opens. */
    public Hosting(
        ServerRuntime runtime,
        boolean inMemoryStore,
        java.util.function.Function<dev.flotilla.apiserver.storage.ValueTransformer, Store> store) {
      this(runtime, inMemoryStore, false, store);
    }

    /** The same hosting, offering HTTP/2 or not. */
    public Hosting withHttp2(boolean offer) {
      return new Hosting(runtime, inMemoryStore, offer, store);
    }

    /** Its own threads and durable storage: what a hub runs with. */
    public static Hosting standalone() {
      return new Hosting(null, false);
    }
  }

  /**
   * kube-apiserver's {@code --event-ttl}: Events are deleted this long after their last write; zero
   * keeps them. Set before {@link #start}.
   */
  public HubServer eventTtl(java.time.Duration ttl) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("--event-ttl must not be negative, got " + ttl);
    }
    this.eventTtl = ttl;
    return this;
  }

  /** Creates the server without listening yet, so callers can add hooks and authorizers. */
  public static HubServer create(HubConfig config) {
    return new HubServer(config, Hosting.standalone());
  }

  /** As {@link #create(HubConfig)}, hosted as {@code hosting} says. */
  public static HubServer create(HubConfig config, Hosting hosting) {
    return new HubServer(config, hosting);
  }

  /**
   * Leaves the built-in controllers that write (GC, namespace lifecycle, CRD cleanup, root CA,
   * default ServiceAccounts, APIServices, CSR signing) to a leader election: {@link #start()} then
   * does not run them, and the caller runs {@link #startSystemControllers()} while it holds the
   * Lease. Call before {@link #start()}.
   */
  public HubServer electControllers() {
    this.electedControllers = true;
    return this;
  }

  /**
   * Starts one term of the built-in controllers that write (after {@link #start()}); closing the
   * handle stops them. With {@link #electControllers()}, the caller runs exactly one term at a time
   * while it leads.
   */
  public SystemControllers startSystemControllers() {
    SystemControllers.Parts parts = systemParts;
    if (parts == null) {
      throw new IllegalStateException("start the hub before its controllers");
    }
    return SystemControllers.start(parts);
  }

  /** Starts controllers, installs CRDs and begins serving HTTPS. */
  public HubServer start() {
    BuiltinDefaults.install(storage);
    CrdController crds = new CrdController(storage);
    storage.setSchemaAdmission(new SchemaAdmission(BuiltinCatalogue.get(), crds::schema));
    crds.start();
    NamespaceController namespaces = new NamespaceController(storage);
    namespaces.start();
    ApiServiceRegistration.installStatusHook(storage);
    closeables.add(crds);
    closeables.add(namespaces);
    if (config.installFlotillaCrds()) {
      installCrds();
      PlacementPreview preview = new PlacementPreview(storage);
      storage.setDryRunView(
          (type, obj) -> {
            if (PlacementPreview.applies(type)) {
              preview.annotate(type, obj);
            }
          });
      ensureNamespace(AgentTokens.NAMESPACE);
      AgentTokens agentTokens = new AgentTokens();
      agentTokens.start(storage);
      authenticator.addSource(agentTokens::lookup);
      closeables.add(agentTokens);
      serviceAccounts = ServiceAccounts.start(storage, config.dataDir(), authenticator);
      closeables.add(serviceAccounts);
      rbac = Rbac.start(storage, true);
      closeables.add(rbac);
      authorizer = rbac.authorizer();
      storage.addAdmission(new AgentAdmission());
      BootstrapTokens bootstrapTokens = new BootstrapTokens();
      bootstrapTokens.start(storage);
      authenticator.addSource(bootstrapTokens::lookup);
      closeables.add(bootstrapTokens);
      certificates = Certificates.start(storage, ca, rbac.authorizer());
      // Every replica checks agents' writes; the controller part runs in the leader's term.
      storage.addAdmission(new AgentRbacController(storage));
    }
    systemParts =
        new SystemControllers.Parts(
            storage, ca.caCertPem(), crds, namespaces, certificates, rbac, eventTtl);
    if (electedControllers && rbac != null) {
      rbac.standByAggregation();
    }
    if (!electedControllers) {
      closeables.add(startSystemControllers());
    }
    storage.addAdmission(new dev.flotilla.apiserver.quota.FederatedQuotaAdmission(storage));
    long[] lastSeen = {store.currentRevision()};
    compaction =
        COMPACTOR.scheduleWithFixedDelay(
            () -> {
              long target = lastSeen[0];
              lastSeen[0] = store.currentRevision();
              if (target > store.compactedRevision()) {
                store.compactRound(target); // on etcd, in one replica per round
              }
            },
            COMPACTION_INTERVAL_SECONDS,
            COMPACTION_INTERVAL_SECONDS,
            TimeUnit.SECONDS);
    ApiMetrics metrics = new ApiMetrics(store::currentRevision, runtime::blockedEventLoopReports);
    if (store instanceof SqliteStore sqlite) {
      metrics.storeHeap(sqlite::heapFigures);
    }
    if (runtime.workers() instanceof dev.flotilla.apiserver.concurrent.RankedWorkers ranked) {
      metrics.workerLanes(ranked); // held strongly: the runtime holds its workers
    }
    server =
        new ApiServer(
            new ApiServerConfig(
                config.host(),
                config.port(),
                ca.serverCertPath(),
                ca.serverKeyPath(),
                ApiServerConfig.DEFAULT_MAX_BODY,
                ca.caCertPath(),
                config.connections(),
                http2),
            runtime,
            storage,
            authenticator,
            authorizer,
            new OpenApiV3(BuiltinCatalogue.get()),
            crds::schema,
            metrics,
            health);
    if (rbac != null) {
      rbac.serveOn(server, authenticator);
      serviceAccounts.serveOn(server);
      certificates.serveOn(server);
    }
    config.security().audit().flatMap(AuditLog::open).ifPresent(this::audit);
    extensions.forEach(server::addExtension);
    rawHandlers.forEach(server::addRawHandler);
    subresources.forEach(s -> server.addSubresource(s.group(), s.resource(), s.sub(), s.handler()));
    server.start();
    dev.flotilla.workqueue.StartupTimeline.first("api serving");
    return this;
  }

  private void audit(AuditLog log) {
    closeables.add(0, log); // closed after the listener stops, before the store
    server.setAudit(log);
  }

  /** Creates or updates Flotilla's CRDs from the manifests in the policies module. */
  private void installCrds() {
    ResourceType crdType =
        storage
            .registry()
            .find("apiextensions.k8s.io", "v1", "customresourcedefinitions")
            .orElseThrow();
    for (ObjectNode manifest : CrdManifests.load()) {
      String name = Meta.name(manifest);
      if (storage.find(crdType, null, name).isEmpty()
          && CreateIfAbsent.create(storage, crdType, null, manifest)) {
        continue;
      }
      // Stored already (by an earlier start, or by another replica starting at the same moment).
      storage
          .guaranteedUpdate(
              crdType,
              null,
              name,
              0,
              false,
              current -> {
                current.set("spec", manifest.get("spec"));
                return current;
              })
          .join();
    }
  }

  private void ensureNamespace(String name) {
    ResourceType namespaces = storage.registry().find("", "v1", "namespaces").orElseThrow();
    if (storage.find(namespaces, null, name).isEmpty()) {
      ObjectNode ns = dev.flotilla.apiserver.objects.Json.MAPPER.createObjectNode();
      Meta.metadata(ns).put("name", name);
      CreateIfAbsent.create(storage, namespaces, null, ns);
    }
  }

  private record Subresource(
      String group,
      String resource,
      String sub,
      dev.flotilla.apiserver.http.OperationHandler handler) {}

  private final java.util.List<Subresource> subresources =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Serves a subresource of a stored resource, e.g. {@code pods/log} in a simulated member (which
   * has no kubelet to ask); callable before or after {@link #start()}.
   */
  public synchronized HubServer addSubresourceHandler(
      String group,
      String resource,
      String sub,
      dev.flotilla.apiserver.http.OperationHandler handler) {
    subresources.add(new Subresource(group, resource, sub, handler));
    if (server != null) {
      server.addSubresource(group, resource, sub, handler);
    }
    return this;
  }

  /**
   * Serves an extra authenticated non-resource API under {@code prefix} (e.g. fleet-wide
   * discovery); callable before or after {@link #start()}.
   */
  /**
   * Hands {@code prefix} and everything under {@code prefix/} to {@code handler} before the API's
   * authentication, for a surface that authenticates itself (the browser fleet view, whose cookie
   * the API does not read). Callable before or after {@link #start()}.
   */
  public synchronized HubServer addRawHandler(
      String prefix, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    rawHandlers.put(prefix, handler);
    if (server != null) {
      server.addRawHandler(prefix, handler);
    }
    return this;
  }

  public synchronized HubServer addNonResourceHandler(
      String prefix, dev.flotilla.apiserver.http.ExtensionHandler handler) {
    extensions.put(prefix, handler);
    if (server != null) {
      server.addExtension(prefix, handler);
    }
    return this;
  }

  /**
   * Adds a named check to {@code /readyz} (not {@code /livez} or {@code /healthz}): the embedding
   * process says when this replica should not get traffic, e.g. while no controller runs. The check
   * runs on an event loop, so it answers from memory. Callable before or after {@link #start()}.
   */
  public HubServer addReadinessCheck(String name, HealthChecks.Check check) {
    health.addReadinessCheck(name, check);
    return this;
  }

  /**
   * Takes this replica out of service (before a shutdown, or for maintenance): {@code /readyz}
   * fails its {@code shutdown} check, every other request gets a 503, and open watches end, so
   * clients and agents move to another replica. {@link #resume()} undoes it.
   */
  public void drain() {
    // kube-apiserver's readiness check of the same name; listed from the first drain on.
    health.addReadinessCheck(
        "shutdown",
        () -> server.draining() ? Optional.of("this replica is draining") : Optional.empty());
    server.drain();
  }

  /** Serves again after {@link #drain()}. */
  public void resume() {
    server.resume();
  }

  /** The authorizer requests pass once started (e.g. to measure what a decision costs). */
  public Authorizer authorizer() {
    return authorizer;
  }

  /** Replaces the authorizer; call before {@link #start()}. */
  public HubServer authorizer(Authorizer authorizer) {
    this.authorizer = authorizer;
    return this;
  }

  /** Writes {@code dataDir/kubeconfig} with the admin context "flotilla" and any extra contexts. */
  public Path writeKubeconfig(List<KubeconfigContext> extra) {
    Path file = config.dataDir().resolve("kubeconfig");
    List<KubeconfigContext> contexts = new ArrayList<>();
    contexts.add(KubeconfigContext.flotilla(port(), ca.caCertPem(), authenticator.adminToken()));
    contexts.addAll(extra);
    KubeconfigWriter.write(file, contexts, "flotilla");
    return file;
  }

  public int port() {
    return server.port();
  }

  /**
   * Serves a request from a client in this process (the hub's own controllers) without a socket:
   * same authentication, RBAC, admission and watches as HTTPS. Call after {@link #start()}.
   */
  public void serveInProcess(dev.flotilla.apiserver.http.ApiExchange exchange) {
    server.serve(exchange);
  }

  /** The HTTPS listener, once started (connection figures for tests and metrics). */
  public dev.flotilla.apiserver.http.ApiServer apiServer() {
    return server;
  }

  public String url() {
    return "https://127.0.0.1:" + port();
  }

  public ResourceStorage storage() {
    return storage;
  }

  public TokenAuthenticator authenticator() {
    return authenticator;
  }

  /** The event loops and workers this server runs on. */
  public ServerRuntime runtime() {
    return runtime;
  }

  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
    if (compaction != null) {
      compaction.cancel(false);
    }
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // shutting down
      }
    }
    store.close();
    if (ownsRuntime) {
      runtime.close();
    }
  }
}
