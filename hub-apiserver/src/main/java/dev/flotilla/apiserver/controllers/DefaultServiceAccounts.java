package dev.flotilla.apiserver.controllers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Json;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;

/**
 * Keeps a ServiceAccount named {@code default} in every namespace, and makes it again when it is
 * deleted, as kube-controller-manager's serviceaccount controller does: workloads that name no
 * ServiceAccount, and {@code kubectl create token default}, find it.
 */
public final class DefaultServiceAccounts extends PerNamespaceObject {
  public static final String NAME = "serviceaccount-controller";
  public static final String ACCOUNT = "default";

  public DefaultServiceAccounts(ResourceStorage storage) {
    super(
        storage, storage.registry().find("", "v1", "serviceaccounts").orElseThrow(), ACCOUNT, NAME);
  }

  @Override
  protected ObjectNode desired(String namespace) {
    ObjectNode sa = Json.MAPPER.createObjectNode();
    sa.put("apiVersion", "v1").put("kind", "ServiceAccount");
    ObjectNode meta = Meta.metadata(sa);
    meta.put("name", ACCOUNT);
    meta.put("namespace", namespace);
    return sa;
  }
}
