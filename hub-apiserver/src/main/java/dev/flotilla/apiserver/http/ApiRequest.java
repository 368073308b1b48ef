package dev.flotilla.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.objects.ApiException;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.ListOptions;
import dev.flotilla.apiserver.registry.ResourceType;
import dev.flotilla.apiserver.selection.FieldSelector;
import dev.flotilla.apiserver.selection.LabelSelector;
import dev.flotilla.apiserver.selection.SelectorParseException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One API call after routing: who made it, what it addresses, its query and its body.
 *
 * @param type the served type for resource requests, null for others
 */
public record ApiRequest(
    String method,
    RequestInfo info,
    ResourceType type,
    MultiMap params,
    MultiMap headers,
    Buffer body,
    UserInfo user) {

  public String param(String name) {
    return params.get(name);
  }

  public String param(String name, String fallback) {
    String v = params.get(name);
    return v == null ? fallback : v;
  }

  /** A boolean query parameter, read as Go's strconv.ParseBool (400 when it is none). */
  public boolean flag(String name) {
    return RequestChecks.parseBool(name, params.get(name));
  }

  public boolean dryRun() {
    for (String v : params.getAll("dryRun")) {
      if (!v.equals("All")) {
        throw ApiException.badRequest("dryRun accepts only \"All\", got \"" + v + "\"");
      }
      return true;
    }
    return false;
  }

  public String contentType() {
    String ct = headers.get("Content-Type");
    if (ct == null) {
      return "application/json";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase();
  }

  /** The body as an object, JSON or YAML by Content-Type. */
  public ObjectNode bodyObject() {
    if (body == null || body.length() == 0) {
      throw ApiException.badRequest("the request needs a body: the object to store");
    }
    String ct = contentType();
    if (ct.equals(dev.flotilla.apiserver.protobuf.ProtobufBodyDecoder.CONTENT_TYPE)) {
      return dev.flotilla.apiserver.protobuf.ProtobufBodyDecoder.decode(body.getBytes());
    }
    boolean yaml = ct.equals("application/yaml") || ct.equals("application/apply-patch+yaml");
    if (!yaml && !ct.equals("application/json") && !ct.equals("*/*")) {
      throw ApiException.unsupportedMediaType(ct);
    }
    return Json.parseObject(body.getBytes(), yaml);
  }

  public int intParam(String name, int fallback) {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an integer, got \"" + v + "\"");
    }
  }

  /** The list/watch query: selectors, paging and resourceVersion. */
  public ListOptions listOptions() {
    LabelSelector labels;
    FieldSelector fields = null;
    try {
      labels = LabelSelector.parse(param("labelSelector", ""));
      String fs = param("fieldSelector", "");
      if (!fs.isBlank()) {
        fields =
            FieldSelector.parse(
                fs, type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group());
      }
    } catch (SelectorParseException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    int limit = intParam("limit", 0);
    if (limit < 0) {
      throw ApiException.badRequest("limit must not be negative");
    }
    // resourceVersionMatch is checked with its companions by ListOptionChecks (422, as upstream).
    String match = param("resourceVersionMatch", "");
    return new ListOptions(
        labels,
        fields,
        limit,
        param("continue"),
        param("resourceVersion", ""),
        match.equals("Exact"));
  }
}
