package dev.flotilla.apiserver.validation;

import dev.flotilla.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one write request asks of field validation (its verb and directive) and what it leaves
 * behind (warnings for the reply). The router puts it in scope while the operation runs
 * synchronously; {@code ResourceStorage} captures it on entry, so writes made outside a request
 * (controllers in this JVM) get {@link #internal()}: unknown fields dropped silently. It also
 * carries the requesting user, so admission can decide by who asks (null for the server's own
 * writes).
 */
public final class WriteContext {
  private static final ThreadLocal<WriteContext> CURRENT = new ThreadLocal<>();

  private final String verb;
  private final FieldValidation directive;
  private final UserInfo user;
  private final Set<String> bodyProblems = Collections.synchronizedSet(new LinkedHashSet<>());
  private final Set<String> warnings = Collections.synchronizedSet(new LinkedHashSet<>());

  public WriteContext(String verb, FieldValidation directive) {
    this(verb, directive, null);
  }

  /** A request's context: {@code user} is who asks, null for writes the server makes itself. */
  public WriteContext(String verb, FieldValidation directive, UserInfo user) {
    this.verb = verb;
    this.directive = directive;
    this.user = user;
  }

  /** A write made by the server itself, not decoded from a request. */
  public static WriteContext internal() {
    return new WriteContext("", FieldValidation.IGNORE);
  }

  /** The context in scope on this thread, or a fresh {@link #internal()} one. */
  public static WriteContext current() {
    WriteContext ctx = CURRENT.get();
    return ctx == null ? internal() : ctx;
  }

  /** Runs {@code body} with this context in scope on the calling thread. */
  public <T> T call(Supplier<T> body) {
    WriteContext previous = CURRENT.get();
    CURRENT.set(this);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  /** Who asks; null for a write the server makes itself. */
  public UserInfo user() {
    return user;
  }

  /** "create", "update", "patch", "delete", "deletecollection", or "" for internal writes. */
  public String verb() {
    return verb;
  }

  public FieldValidation directive() {
    return directive;
  }

  /** Problems found while reading the body (e.g. {@code duplicate field "spec.replicas"}). */
  public void addBodyProblem(String problem) {
    bodyProblems.add(problem);
  }

  public List<String> bodyProblems() {
    synchronized (bodyProblems) {
      return new ArrayList<>(bodyProblems);
    }
  }

  public void warn(String warning) {
    warnings.add(warning);
  }

  /** Warnings to send as {@code Warning: 299 - "..."} headers, each once, in order. */
  public List<String> warnings() {
    synchronized (warnings) {
      return new ArrayList<>(warnings);
    }
  }
}
