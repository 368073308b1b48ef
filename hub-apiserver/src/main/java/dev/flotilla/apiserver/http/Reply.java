package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flotilla.apiserver.objects.Json;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * A finished response: HTTP status, content type and body bytes, or a body made a piece at a time
 * ({@link #streamed}) for one too large to hold whole (an unpaged list of thousands of objects).
 *
 * @param warnings values for {@code Warning: 299 - "..."} headers kubectl prints
 * @param pieces for a streamed body, opens it from its start (each call reads it anew); else null
 */
public record Reply(
    int status, String contentType, byte[] body, List<String> warnings, Supplier<Pieces> pieces) {
  public static final String JSON = "application/json";

  /** A body made a piece at a time. */
  public interface Pieces {
    /**
     * The next piece, or null after the last. Called on a worker (it may read the store), one call
     * at a time.
     */
    byte[] next();
  }

  public Reply(int status, String contentType, byte[] body, List<String> warnings) {
    this(status, contentType, body, warnings, null);
  }

  public static Reply json(int status, JsonNode node) {
    return new Reply(status, JSON, Json.write(node), List.of());
  }

  public static Reply json(int status, byte[] body) {
    return new Reply(status, JSON, body, List.of());
  }

  /** A reply whose body {@code pieces} makes; the HTTP writer sends each piece as it comes. */
  public static Reply streamed(int status, String contentType, Supplier<Pieces> pieces) {
    return new Reply(status, contentType, null, List.of(), pieces);
  }

  public boolean streamed() {
    return pieces != null;
  }

  /**
   * This reply with its body whole: a streamed body is read once, here (on a worker: it reads the
   * store), and may throw as a piece of it fails.
   */
  public Reply whole() {
    return pieces == null ? this : new Reply(status, contentType, body(), warnings);
  }

  /**
   * The whole body. A streamed one is read to its end here, which reads the store: call it on a
   * worker, and only where the whole body is wanted (the in-process path, an audit record).
   */
  @Override
  public byte[] body() {
    if (pieces == null) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Pieces p = pieces.get();
    for (byte[] piece; (piece = p.next()) != null; ) {
      out.writeBytes(piece);
    }
    return out.toByteArray();
  }
}
