package dev.flotilla.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.flotilla.apiserver.audit.AuditLog.Captured;
import dev.flotilla.apiserver.audit.AuditLog.Rec;
import dev.flotilla.apiserver.audit.AuditPolicy.Decision;
import dev.flotilla.apiserver.audit.AuditPolicy.Level;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.http.RequestInfo;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.protobuf.ProtobufBodyDecoder;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@code audit.k8s.io/v1} Event lines on the audit writer thread: the policy's level for the
 * request, then metadata, and at Request / RequestResponse level the request and response objects.
 */
final class AuditEvents {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

  private final AuditPolicy policy;

  AuditEvents(AuditPolicy policy) {
    this.policy = policy;
  }

  /** The event's JSON line, or null when the policy records nothing of it at this stage. */
  byte[] line(Captured c) {
    Rec rec = c.rec();
    RequestInfo info;
    try {
      info = RequestInfo.parse(rec.path);
    } catch (RuntimeException e) {
      info = RequestInfo.parse("/");
    }
    String verb = verb(rec, info);
    String namespace =
        info.resourceRequest()
                && info.namespace() == null
                && info.group().isEmpty()
                && "namespaces".equals(info.resource())
            ? info.name()
            : info.namespace();
    UserInfo user = rec.user;
    Decision d =
        policy.decide(
            new AuditPolicy.Request(
                user == null ? null : user.name(),
                user == null ? List.of() : user.groups(),
                verb,
                info.resourceRequest(),
                info.group(),
                namespace,
                info.resource(),
                info.subresource(),
                info.name(),
                rec.path));
    if (d.level() == Level.None || d.omitStages().contains(c.stage())) {
      return null;
    }
    ObjectNode e = Json.MAPPER.createObjectNode();
    e.put("kind", "Event");
    e.put("apiVersion", "audit.k8s.io/v1");
    e.put("level", d.level().name());
    e.put("auditID", rec.auditId);
    e.put("stage", c.stage().name());
    e.put("requestURI", rec.uri);
    e.put("verb", verb);
    user(e.putObject("user"), user);
    if (rec.acting != null
        && rec.acting != user
        && c.stage() != AuditPolicy.Stage.RequestReceived) {
      user(e.putObject("impersonatedUser"), rec.acting);
    }
    if (rec.sourceIp != null) {
      e.putArray("sourceIPs").add(rec.sourceIp);
    }
    if (rec.userAgent != null) {
      e.put("userAgent", rec.userAgent);
    }
    JsonNode requestObject = null;
    boolean withBodies = c.stage() == AuditPolicy.Stage.ResponseComplete;
    if (withBodies && rec.body != null && d.level().compareTo(Level.Metadata) >= 0) {
      requestObject = parse(rec.body.getBytes(), rec.bodyType);
    }
    if (info.resourceRequest()) {
      ObjectNode ref = e.putObject("objectRef");
      ref.put("resource", info.resource());
      putIfSet(ref, "namespace", namespace);
      String name = info.name();
      if (name == null && requestObject != null && verb.equals("create")) {
        name = requestObject.path("metadata").path("name").asText(null);
      }
      putIfSet(ref, "name", name);
      putIfSet(ref, "apiGroup", info.group());
      putIfSet(ref, "apiVersion", info.version());
      putIfSet(ref, "subresource", info.subresource());
    }
    if (c.stage() != AuditPolicy.Stage.RequestReceived) {
      e.set("responseStatus", responseStatus(c, rec));
    }
    if (d.level().compareTo(Level.Request) >= 0 && requestObject != null) {
      e.set(
          "requestObject",
          d.omitManagedFields() ? withoutManagedFields(requestObject) : requestObject);
    }
    if (withBodies
        && d.level() == Level.RequestResponse
        && rec.reply != null
        && rec.reply.contentType().startsWith("application/json")) {
      appendResponse(e, d, rec.reply);
    }
    e.put("requestReceivedTimestamp", MICROS.format(rec.received));
    e.put("stageTimestamp", MICROS.format(c.at()));
    String decision = rec.decision;
    if (decision != null && c.stage() != AuditPolicy.Stage.RequestReceived) {
      ObjectNode annotations = e.putObject("annotations");
      annotations.put("authorization.k8s.io/decision", decision);
      annotations.put("authorization.k8s.io/reason", rec.reason);
    }
    byte[] json = Json.write(e);
    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }

  private static ObjectNode responseStatus(Captured c, Rec rec) {
    ObjectNode status = Json.MAPPER.createObjectNode();
    status.putObject("metadata");
    if (c.code() >= 300 && rec.reply != null && rec.reply.status() == c.code()) {
      JsonNode body = parse(rec.reply.body(), rec.reply.contentType());
      if (body != null && "Status".equals(body.path("kind").asText())) {
        for (String f : List.of("status", "message", "reason", "details")) {
          if (body.has(f)) {
            status.set(f, body.get(f));
          }
        }
      }
    }
    status.put("code", c.code());
    return status;
  }

  /** The verb as kube-apiserver's RequestInfo names it. */
  private static String verb(Rec rec, RequestInfo info) {
    if (!info.resourceRequest()) {
      return rec.method.equals("HEAD") ? "get" : rec.method.toLowerCase();
    }
    boolean named = info.name() != null;
    return switch (rec.method) {
      case "GET", "HEAD" -> watch(rec.uri) ? "watch" : named ? "get" : "list";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> named ? "delete" : "deletecollection";
      default -> rec.method.toLowerCase();
    };
  }

  private static boolean watch(String uri) {
    if (uri.indexOf("watch=") < 0) {
      return false;
    }
    List<String> values = new QueryStringDecoder(uri).parameters().get("watch");
    return values != null && !values.isEmpty() && TRUE.contains(values.get(0));
  }

  private static void user(ObjectNode node, UserInfo user) {
    if (user == null) {
      return; // authentication failed: upstream logs an empty user
    }
    node.put("username", user.name());
    if (!user.uid().isEmpty()) {
      node.put("uid", user.uid());
    }
    ArrayNode groups = node.putArray("groups");
    user.groups().forEach(groups::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = node.putObject("extra");
      for (Map.Entry<String, List<String>> x : user.extra().entrySet()) {
        ArrayNode values = extra.putArray(x.getKey());
        x.getValue().forEach(values::add);
      }
    }
  }

  /** A request or response body as JSON, whatever it was sent as; null when unreadable. */
  private static JsonNode parse(byte[] body, String contentType) {
    String ct = contentType == null ? "application/json" : contentType.toLowerCase();
    try {
      if (ct.startsWith(ProtobufBodyDecoder.CONTENT_TYPE)) {
        return ProtobufBodyDecoder.decode(body);
      }
      if (ct.contains("yaml")) {
        return Json.parseObject(body, true);
      }
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(field, value);
    }
  }

  private static JsonNode withoutManagedFields(JsonNode node) {
    if (node instanceof ObjectNode obj) {
      if (obj.path("metadata") instanceof ObjectNode meta) {
        meta.remove("managedFields");
      }
      for (JsonNode item : obj.path("items")) {
        withoutManagedFields(item);
      }
    }
    return node;
  }

  /**
   * The reply's body as {@code responseObject}. A streamed list is read again from the store here,
   * once; if that fails (its revision compacted since), this event goes without it rather than the
   * batch of events it is written with.
   */
  private static void appendResponse(ObjectNode e, Decision d, Reply reply) {
    byte[] body;
    try {
      body = reply.body();
    } catch (RuntimeException failed) {
      return;
    }
    String raw = new String(body, StandardCharsets.UTF_8);
    if (!d.omitManagedFields() && raw.indexOf('\n') < 0 && raw.startsWith("{")) {
      // Our own compact JSON, spliced in as it is: no parse and re-serialization per event.
      e.putRawValue("responseObject", new RawValue(raw));
    } else {
      JsonNode response = parse(body, "application/json");
      if (response != null) {
        e.set("responseObject", d.omitManagedFields() ? withoutManagedFields(response) : response);
      }
    }
  }
}
