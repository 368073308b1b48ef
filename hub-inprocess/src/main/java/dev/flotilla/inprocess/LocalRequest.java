package dev.flotilla.inprocess;

import dev.flotilla.apiserver.http.ApiExchange;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The request side of one in-process exchange: what fabric8 built, as the server reads it. The
 * answer side is the subclass's: a response body ({@link LocalExchange}) or a WebSocket ({@link
 * LocalWebSocketExchange}).
 */
abstract class LocalRequest implements ApiExchange {
  private static final byte[] NO_BODY = new byte[0];

  final StandardHttpRequest request;
  private final MultiMap headers = MultiMap.caseInsensitiveMultiMap();
  private final byte[] body;

  LocalRequest(StandardHttpRequest request) throws IOException {
    this.request = request;
    request.headers().forEach(headers::add);
    if (request.getContentType() != null) {
      headers.set("Content-Type", request.getContentType());
    }
    this.body = bodyBytes(request.body());
  }

  @Override
  public String method() {
    return request.method() == null ? "GET" : request.method();
  }

  @Override
  public String path() {
    String path = request.uri().getRawPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  @Override
  public String query() {
    return request.uri().getRawQuery();
  }

  @Override
  public MultiMap headers() {
    return headers;
  }

  @Override
  public byte[] body() {
    return body;
  }

  private static byte[] bodyBytes(StandardHttpRequest.BodyContent content) throws IOException {
    if (content == null) {
      return NO_BODY;
    }
    if (content instanceof StandardHttpRequest.StringBodyContent s) {
      return s.getContent().getBytes(StandardCharsets.UTF_8);
    }
    if (content instanceof StandardHttpRequest.ByteArrayBodyContent b) {
      return b.getContent();
    }
    if (content instanceof StandardHttpRequest.InputStreamBodyContent in) {
      try (InputStream stream = in.getContent()) {
        return stream.readAllBytes();
      }
    }
    throw new IOException("unsupported request body: " + content.getClass().getName());
  }
}
