package dev.flotilla.apiserver.validation;

import dev.flotilla.apiserver.http.ApiRequest;
import dev.flotilla.apiserver.http.OperationHandler;
import dev.flotilla.apiserver.http.Reply;
import dev.flotilla.apiserver.objects.Json;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Field validation around one create, update or patch request: parses {@code fieldValidation},
 * replaces a body with duplicate keys by its last-key-wins form (noting the duplicates), runs the
 * operation with its {@link WriteContext} in scope, and puts the warnings on the reply.
 */
public final class WriteRequests {
  private WriteRequests() {}

  /** Runs {@code handler} for {@code request} ({@code verb} create, update or patch). */
  public static CompletableFuture<Reply> handle(
      String verb, ApiRequest request, OperationHandler handler) {
    WriteContext ctx =
        new WriteContext(
            verb, FieldValidation.parse(request.param("fieldValidation"), verb), request.user());
    ApiRequest effective = withoutDuplicates(request, ctx);
    CompletableFuture<Reply> reply = ctx.call(() -> handler.handle(effective));
    return reply.thenApply(r -> withWarnings(r, ctx.warnings()));
  }

  static ApiRequest withoutDuplicates(ApiRequest r, WriteContext ctx) {
    if (r.body() == null || r.body().length() == 0) {
      return r;
    }
    String ct = r.contentType();
    boolean yaml = ct.equals("application/yaml") || ct.equals("application/apply-patch+yaml");
    boolean json =
        ct.equals("application/json")
            || ct.equals("application/merge-patch+json")
            || ct.equals("application/strategic-merge-patch+json");
    if (!yaml && !json) {
      return r;
    }
    Optional<DuplicateFields.Found> found = DuplicateFields.scan(r.body().getBytes(), yaml);
    if (found.isEmpty() || !found.get().tree().isObject()) {
      return r;
    }
    for (String path : found.get().paths()) {
      ctx.addBodyProblem("duplicate field " + FieldError.quote(path));
    }
    return new ApiRequest(
        r.method(),
        r.info(),
        r.type(),
        r.params(),
        r.headers(),
        Buffer.buffer(Json.write(found.get().tree())),
        r.user());
  }

  private static Reply withWarnings(Reply reply, List<String> warnings) {
    if (warnings.isEmpty()) {
      return reply;
    }
    List<String> all = new ArrayList<>(reply.warnings());
    all.addAll(warnings);
    return new Reply(reply.status(), reply.contentType(), reply.body(), List.copyOf(all));
  }
}
