package dev.flotilla.apiserver.http;

import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /healthz}, {@code /livez} and {@code /readyz} as kube-apiserver answers them: named
 * checks, {@code ?verbose} lists them ({@code [+]ping ok}), {@code ?exclude=<name>} skips one,
 * {@code /readyz/<name>} runs one, and a failure is a 500 whose body lists every check with the
 * failing ones as {@code [-]<name> failed: reason withheld} (the reason is logged, and shown on the
 * check's own path). Liveness has only {@code ping}; readiness has {@code ping} plus what the
 * embedding process plugs in (the launcher adds {@code controllers}).
 */
public final class HealthChecks {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

  /**
   * One named check. It answers from memory: it runs on an event loop and must never block.
   *
   * <p>Returns empty when healthy, else the reason (for logs and {@code /readyz/<name>}).
   */
  @FunctionalInterface
  public interface Check {
    Optional<String> failure();
  }

  private static final Check PING = Optional::empty;

  private final Map<String, Check> readiness = new LinkedHashMap<>();

  public HealthChecks() {
    readiness.put("ping", PING);
  }

  /** Adds (or replaces) a readiness check; {@code /livez} and {@code /healthz} never run it. */
  public synchronized void addReadinessCheck(String name, Check check) {
    if (name.isEmpty() || name.contains("/")) {
      throw new IllegalArgumentException("a health check name is one path segment: " + name);
    }
    readiness.put(name, check);
  }

  /** True when {@code path} is {@code /healthz}, {@code /livez}, {@code /readyz} or under one. */
  static boolean isHealthPath(String path) {
    for (String endpoint : new String[] {"/healthz", "/livez", "/readyz"}) {
      if (path.equals(endpoint) || path.startsWith(endpoint + "/")) {
        return true;
      }
    }
    return false;
  }

  /** What a health endpoint answers: an HTTP status and a plain-text body. */
  record Answer(int status, String body) {}

  /** True when {@code path} is a health endpoint (then the response has been sent). */
  boolean handle(HttpServerRequest http) {
    Answer answer = answer(http.path(), http.query());
    if (answer == null) {
      return false;
    }
    send(http, answer.status(), answer.body());
    return true;
  }

  /**
   * The answer to {@code path} with {@code rawQuery} (may be null), or null when the path is not a
   * health endpoint: the same for HTTPS and for clients in process (a simulated member's agent
   * probes its member's {@code /readyz} in process as over HTTPS).
   */
  Answer answer(String path, String rawQuery) {
    for (String endpoint : new String[] {"healthz", "livez", "readyz"}) {
      String root = "/" + endpoint;
      if (path.equals(root)) {
        return answerAll(rawQuery, endpoint, checks(endpoint));
      }
      if (path.startsWith(root + "/")) {
        return answerOne(endpoint, path.substring(root.length() + 1));
      }
    }
    return null;
  }

  private synchronized Map<String, Check> checks(String endpoint) {
    return endpoint.equals("readyz") ? new LinkedHashMap<>(readiness) : Map.of("ping", PING);
  }

  private Answer answerAll(String rawQuery, String endpoint, Map<String, Check> checks) {
    Map<String, List<String>> query = query(rawQuery);
    Set<String> excluded = new LinkedHashSet<>(query.getOrDefault("exclude", List.of()));
    StringBuilder lines = new StringBuilder();
    List<String> failed = new ArrayList<>();
    for (Map.Entry<String, Check> c : checks.entrySet()) {
      String name = c.getKey();
      if (excluded.remove(name)) {
        lines.append("[+]").append(name).append(" excluded: ok\n");
        continue;
      }
      Optional<String> failure = run(c.getValue());
      if (failure.isPresent()) {
        failed.add(name);
        lines.append("[-]").append(name).append(" failed: reason withheld\n");
        LOG.debug("{} check {} failed: {}", endpoint, name, failure);
      } else {
        lines.append("[+]").append(name).append(" ok\n");
      }
    }
    if (!excluded.isEmpty()) {
      lines
          .append("warn: some health checks cannot be excluded: no matches for ")
          .append(String.join(",", excluded.stream().map(n -> "\"" + n + "\"").toList()))
          .append('\n');
    }
    if (!failed.isEmpty()) {
      return new Answer(500, lines + endpoint + " check failed\n");
    } else if (query.containsKey("verbose")) {
      return new Answer(200, lines + endpoint + " check passed\n");
    }
    return new Answer(200, "ok");
  }

  private Answer answerOne(String endpoint, String name) {
    Check check = checks(endpoint).get(name);
    if (check == null) {
      return new Answer(404, "404 page not found\n");
    }
    Optional<String> failure = run(check);
    if (failure.isPresent()) {
      return new Answer(500, "internal server error: " + failure.get() + "\n");
    }
    return new Answer(200, "ok");
  }

  /** A check that throws is a failing check, never a 500 without a body. */
  private static Optional<String> run(Check check) {
    try {
      return check.failure();
    } catch (RuntimeException e) {
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  private static void send(HttpServerRequest http, int status, String body) {
    http.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }

  /** Parsed leniently: a malformed escape in a health probe's query is ignored, never a 500. */
  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (key != null && value != null) {
        params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      }
    }
    return params;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
