package dev.flotilla.policies.decoding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decoding that survives one malformed value. A client's informer decodes a whole list or watch
 * event at once, and fabric8 stops an informer for good on a value it cannot decode, so one object
 * whose {@code metadata.ownerReferences} is {@code "x"} would freeze every controller watching its
 * kind. For the types given (e.g. fabric8's {@code ObjectMeta}) a value that does not decode is
 * decoded field by field instead: fields that decode are kept, the others are dropped and named
 * under the {@link #PROBLEMS} property, which the type's any-setter keeps (fabric8 model types put
 * it in {@code additionalProperties}). Consumers then skip and report the marked object.
 */
public final class TolerantDecoding {
  /** The property naming what could not be decoded; absent on every well-formed value. */
  public static final String PROBLEMS = "flotilla.dev/decode-problems";

  private TolerantDecoding() {}

  /** A mapper whose decoding of {@code types} is tolerant; configure it further as needed. */
  public static ObjectMapper mapper(Set<Class<?>> types) {
    return new ObjectMapper().registerModule(module(types));
  }

  /** The Jackson module that makes decoding of {@code types} tolerant. */
  public static SimpleModule module(Set<Class<?>> types) {
    SimpleModule module = new SimpleModule("flotilla-tolerant-decoding");
    module.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public JsonDeserializer<?> modifyDeserializer(
              DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deser) {
            return types.contains(desc.getBeanClass()) ? new Tolerant(deser) : deser;
          }
        });
    return module;
  }

  /** The decode problems recorded in a decoded value's additional properties, if any. */
  public static Optional<String> problems(Map<String, Object> additionalProperties) {
    if (additionalProperties == null) {
      return Optional.empty();
    }
    Object p = additionalProperties.get(PROBLEMS);
    return p == null ? Optional.empty() : Optional.of(p.toString());
  }

  /** Decodes as the wrapped deserializer does; on failure, salvages what decodes. */
  private static final class Tolerant extends DelegatingDeserializer {
    Tolerant(JsonDeserializer<?> delegate) {
      super(delegate);
    }

    @Override
    protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
      return new Tolerant(delegate);
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      // Buffered so that a failure leaves the enclosing document's parser where it should be.
      TokenBuffer buffer = ctxt.bufferAsCopyOfValue(p);
      try (JsonParser copy = buffer.asParserOnFirstToken()) {
        return _delegatee.deserialize(copy, ctxt);
      } catch (IOException | IllegalArgumentException e) {
        JsonNode tree;
        try (JsonParser again = buffer.asParserOnFirstToken()) {
          tree = ctxt.readTree(again);
        }
        return salvage(tree, p, ctxt);
      }
    }

    private Object salvage(JsonNode tree, JsonParser p, DeserializationContext ctxt)
        throws IOException {
      ObjectNode kept = JsonNodeFactory.instance.objectNode();
      List<String> problems = new ArrayList<>();
      if (!tree.isObject()) {
        problems.add("expected an object, got " + tree.getNodeType().name().toLowerCase());
      } else {
        Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> f = fields.next();
          ObjectNode single = JsonNodeFactory.instance.objectNode();
          single.set(f.getKey(), f.getValue());
          try {
            decode(single, p, ctxt);
            kept.set(f.getKey(), f.getValue());
          } catch (IOException | IllegalArgumentException e) {
            problems.add(f.getKey() + ": " + firstLine(e));
          }
        }
      }
      kept.put(PROBLEMS, String.join("; ", problems));
      return decode(kept, p, ctxt);
    }

    private Object decode(ObjectNode node, JsonParser p, DeserializationContext ctxt)
        throws IOException {
      try (JsonParser tokens = node.traverse(p.getCodec())) {
        tokens.nextToken();
        return _delegatee.deserialize(tokens, ctxt);
      }
    }

    private static String firstLine(Exception e) {
      String m =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
              ? jpe.getOriginalMessage()
              : e.getMessage();
      m = String.valueOf(m);
      int nl = m.indexOf('\n');
      return nl < 0 ? m : m.substring(0, nl);
    }
  }
}
