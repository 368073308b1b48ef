package dev.flotilla.controller.runtime;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.flotilla.policies.decoding.TolerantDecoding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps one object the controllers cannot decode from stopping them. fabric8 stops an informer for
 * good when a list or watch event fails to decode, and with it every controller watching that kind;
 * the hub now refuses such objects, but one stored before (or by another writer of the store) must
 * not freeze the federation. A guarded client decodes malformed metadata (and Leases) tolerantly
 * ({@link TolerantDecoding}), hands every marked object to a reporter as it is decoded, and {@link
 * EnqueueHandler} never enqueues one: the object is skipped and reported, everything else flows.
 */
public final class DecodeGuard {
  private static final Set<Class<?>> TOLERANT = Set.of(ObjectMeta.class, Lease.class);

  private DecodeGuard() {}

  /**
   * A new client with {@code base}'s configuration whose decoding is guarded; the caller owns (and
   * closes) it. {@code reporter} gets each object decoded with a problem, on the decoding thread:
   * it must not block.
   */
  public static KubernetesClient client(KubernetesClient base, Consumer<HasMetadata> reporter) {
    ObjectMapper mapper = TolerantDecoding.mapper(TOLERANT).registerModule(reporting(reporter));
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder()
            .withConfig(base.getConfiguration())
            .withKubernetesSerialization(new JsonFirstSerialization(mapper));
    // Same transport as base (e.g. the hub's in-process one, or shared pools), not the default.
    if (base.getHttpClient().newBuilder() instanceof StandardHttpClientBuilder<?, ?, ?> standard) {
      builder.withHttpClientFactory(standard.getClientFactory());
    }
    return builder.build();
  }

  /** What could not be decoded of {@code obj}, if anything (then it must be skipped). */
  public static Optional<String> problem(HasMetadata obj) {
    if (obj == null) {
      return Optional.empty();
    }
    ObjectMeta meta = obj.getMetadata();
    if (meta == null) {
      return Optional.of("metadata: missing");
    }
    Optional<String> p = TolerantDecoding.problems(meta.getAdditionalProperties());
    if (p.isEmpty() && obj instanceof Lease lease) {
      p = TolerantDecoding.problems(lease.getAdditionalProperties());
    }
    return p.map(s -> s.isEmpty() ? "metadata: undecodable" : s);
  }

  /** True unless {@code obj} carries a decode problem. */
  public static boolean decoded(HasMetadata obj) {
    return problem(obj).isEmpty();
  }

  /** Calls {@code reporter} for every decoded object that carries a problem. */
  private static SimpleModule reporting(Consumer<HasMetadata> reporter) {
    SimpleModule module = new SimpleModule("flotilla-decode-reporting");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deser) {
            return HasMetadata.class.isAssignableFrom(desc.getBeanClass())
                ? new Reporting(deser, reporter)
                : deser;
          }
        });
    return module;
  }

  private static final class Reporting extends DelegatingDeserializer {
    private final Consumer<HasMetadata> reporter;

    Reporting(JsonDeserializer<?> delegate, Consumer<HasMetadata> reporter) {
      super(delegate);
      this.reporter = reporter;
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Reporting(delegate, reporter);
    }

    @Override
    public Object deserialize(com.fasterxml.jackson.core.JsonParser p, DeserializationContext ctxt)
        throws IOException {
      Object value = _delegatee.deserialize(p, ctxt);
      if (value instanceof HasMetadata obj && problem(obj).isPresent()) {
        try {
          reporter.accept(obj);
        } catch (RuntimeException e) {
          // reporting must never fail decoding
        }
      }
      return value;
    }
  }
}
