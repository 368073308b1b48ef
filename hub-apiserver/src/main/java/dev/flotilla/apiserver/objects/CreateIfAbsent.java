package dev.flotilla.apiserver.objects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.registry.ResourceType;
import java.util.concurrent.CompletionException;

/**
 * The startup writes every replica makes (system namespaces, default RBAC, CRDs): several hubs on
 * one store starting at the same moment race to create the same objects, and the loser must take
 * the winner's object as its own rather than fail to start.
 */
public final class CreateIfAbsent {
  private CreateIfAbsent() {}

  /** Creates {@code obj}; true if this call created it, false if it already existed. */
  public static boolean create(
      ResourceStorage storage, ResourceType type, String namespace, ObjectNode obj) {
    try {
      storage.create(type, namespace, obj, false).join();
      return true;
    } catch (CompletionException e) {
      if (e.getCause() instanceof ApiException api && api.code() == 409) {
        return false; // another replica created it first
      }
      throw e;
    } catch (ApiException e) {
      if (e.code() == 409) {
        return false;
      }
      throw e;
    }
  }
}
