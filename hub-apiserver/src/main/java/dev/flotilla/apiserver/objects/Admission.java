package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.concurrent.CompletableFuture;

/**
 * Validating admission that may decide by who asks, as kube-apiserver's admission plugins see
 * {@code admission.Attributes}: it runs after defaulting and kind hooks, on the object as it would
 * be stored (patches already applied), dry runs included, and throws {@link ApiException} to
 * refuse. Unlike {@link ObjectHook}s it must not mutate.
 */
@FunctionalInterface
public interface Admission {

  /** Refuses by throwing; returning means admitted. */
  void validate(Attributes request);

  /**
   * Work a create or update waits for before it is stored, once every admission admitted it (not
   * for dry runs or deletes), or null for none: an agent's roles written with its credential. It
   * must not block; the write goes on when the future completes and fails if it fails, so no worker
   * thread waits on writes whose own continuations need a worker.
   */
  default CompletableFuture<?> beforeStore(Attributes request) {
    return null;
  }

  /** What is written, by whom. */
  enum Operation {
    CREATE,
    UPDATE,
    DELETE
  }

  /**
   * One write as admission sees it.
   *
   * @param verb the request verb ("create", "update", "patch", "delete", "deletecollection"), or ""
   *     for the server's own writes
   * @param user who asks; null for the server's own writes
   * @param subresource "status" for status writes, else null
   * @param object the object to store; null for DELETE
   * @param oldObject the stored object; null for CREATE
   */
  record Attributes(
      Operation operation,
      String verb,
      UserInfo user,
      ResourceType type,
      String namespace,
      String name,
      String subresource,
      ObjectNode object,
      ObjectNode oldObject,
      boolean dryRun) {

    /**
     * A 403 naming the object, as upstream's NewForbidden: {@code
     * clusterroles.rbac.authorization.k8s.io "x" is forbidden: <message>}.
     */
    public ApiException forbiddenObject(String message) {
      return ApiException.forbidden(type.group(), type.plural(), name, message);
    }

    /**
     * A 403 for this write in kube-apiserver's shape: {@code works.work.karmada.io "w" is
     * forbidden: User "u" cannot create resource "works" in API group "work.karmada.io" in the
     * namespace "ns": <why>}.
     */
    public ApiException forbidden(String why) {
      String resource = subresource == null ? type.plural() : type.plural() + "/" + subresource;
      String where =
          namespace == null ? " at the cluster scope" : " in the namespace \"" + namespace + "\"";
      String userName = user == null ? "" : user.name();
      String shownVerb = verb == null || verb.isEmpty() ? operation.name().toLowerCase() : verb;
      return ApiException.forbidden(
          type.group(),
          type.plural(),
          name,
          "User \""
              + userName
              + "\" cannot "
              + shownVerb
              + " resource \""
              + resource
              + "\" in API group \""
              + type.group()
              + "\""
              + where
              + ": "
              + why);
    }
  }
}
