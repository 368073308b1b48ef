package dev.flotilla.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.ApiException;

/**
 * Decodes {@code application/vnd.kubernetes.protobuf} request bodies (what kubectl's typed clients
 * send) into the JSON tree the JSON encoding of the same object would give.
 *
 * <p>A body is the magic {@code k8s\0} followed by a {@code runtime.Unknown}: typeMeta (apiVersion,
 * kind), raw (the object's own protobuf encoding), contentEncoding, contentType. The object is
 * decoded with the generated message tables in {@link ProtoSchema}.
 */
public final class ProtobufBodyDecoder {
  /** The media type of Kubernetes protobuf bodies. */
  public static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";

  private static final byte[] MAGIC = {'k', '8', 's', 0};
  private static final String FAILED = "the protobuf body could not be decoded: ";

  private ProtobufBodyDecoder() {}

  /**
   * The object in a Kubernetes protobuf body, with apiVersion and kind from its envelope.
   *
   * @throws ApiException 400 BadRequest when the body is not a decodable protobuf object
   */
  public static ObjectNode decode(byte[] body) {
    if (body == null || body.length == 0) {
      throw ApiException.badRequest(FAILED + "the body is empty");
    }
    try {
      return decodeEnvelope(new MessageDecoder(ProtoSchema.get()), body, 0);
    } catch (MalformedProtobufException e) {
      throw ApiException.badRequest(FAILED + e.getMessage());
    } catch (ApiException e) {
      throw e;
    } catch (RuntimeException e) {
      // A safety net: whatever hostile bytes provoke, the client gets a 400, not a 500.
      throw ApiException.badRequest(FAILED + "unexpected " + e.getClass().getSimpleName());
    }
  }

  static boolean hasMagic(byte[] bytes) {
    if (bytes.length < MAGIC.length) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Decodes magic + runtime.Unknown; also used for objects nested in a RawExtension. */
  static ObjectNode decodeEnvelope(MessageDecoder decoder, byte[] body, int depth) {
    if (!hasMagic(body)) {
      throw new MalformedProtobufException(
          "it does not start with the Kubernetes protobuf magic bytes \"k8s\\0\"");
    }
    if (depth > MessageDecoder.MAX_DEPTH) {
      throw new MalformedProtobufException(
          "objects nested more than " + MessageDecoder.MAX_DEPTH + " deep");
    }
    WireReader in = new WireReader(body, MAGIC.length, body.length - MAGIC.length);
    String apiVersion = "";
    String kind = "";
    String contentEncoding = "";
    byte[] raw = new byte[0];
    while (in.hasMore()) {
      int tag = in.readTag();
      switch (tag >>> 3) {
        case 1 -> {
          WireReader typeMeta = embedded(in, tag, "typeMeta");
          while (typeMeta.hasMore()) {
            int t = typeMeta.readTag();
            switch (t >>> 3) {
              case 1 -> apiVersion = embedded(typeMeta, t, "apiVersion").stringValue();
              case 2 -> kind = embedded(typeMeta, t, "kind").stringValue();
              default -> typeMeta.skip(t & 7);
            }
          }
        }
        case 2 -> raw = embedded(in, tag, "raw").remaining();
        case 3 -> contentEncoding = embedded(in, tag, "contentEncoding").stringValue();
        default -> in.skip(tag & 7);
      }
    }
    if (!contentEncoding.isEmpty()) {
      throw new MalformedProtobufException(
          "content encoding \"" + contentEncoding + "\" is not supported");
    }
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      throw new MalformedProtobufException(
          "the envelope does not name the object's apiVersion" + " and kind");
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    String message = ProtoSchema.get().kindMessage(group, version, kind);
    if (message == null || version.contains("/")) {
      throw new MalformedProtobufException(
          "kind \""
              + kind
              + "\" in \""
              + apiVersion
              + "\" is not a built-in kind with a protobuf encoding");
    }
    JsonNode object = decoder.decode(message, raw, depth + 1);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("apiVersion", apiVersion);
    out.put("kind", kind);
    if (object instanceof ObjectNode o) {
      o.remove("apiVersion");
      o.remove("kind");
      out.setAll(o);
    }
    return out;
  }

  private static WireReader embedded(WireReader in, int tag, String field) {
    if ((tag & 7) != WireReader.LENGTH_DELIMITED) {
      throw new MalformedProtobufException(
          "envelope field "
              + field
              + " has wire type "
              + (tag & 7)
              + ", expected length-delimited");
    }
    return in.readEmbedded();
  }
}
