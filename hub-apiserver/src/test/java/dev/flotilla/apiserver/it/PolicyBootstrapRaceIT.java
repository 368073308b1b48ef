package dev.flotilla.apiserver.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.objects.Admission;
import dev.flotilla.apiserver.objects.DeleteOptions;
import dev.flotilla.apiserver.objects.Meta;
import dev.flotilla.apiserver.objects.ResourceStorage;
import dev.flotilla.apiserver.rbac.PolicyBootstrap;
import dev.flotilla.apiserver.registry.ResourceType;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Two replicas reconcile the default RBAC policy at once, and one default binding was left with
 * another roleRef (by an older version): roleRef cannot change, so the binding is replaced. The
 * second replica replaces it while the first is between reading the old binding and deleting it:
 * the first must then take the second's binding as it is, not delete it and write its own (which
 * would leave the binding missing for a moment, and every request it allows refused).
 */
class PolicyBootstrapRaceIT {
  private static final String BINDING = "system:discovery";

  @Test
  void aBindingAnotherReplicaJustReplacedIsNotDeletedAgain() throws Exception {
    try (TestHub hub = TestHub.start();
        KubernetesClient admin = hub.client()) {
      ResourceStorage storage = hub.server().storage();
      ResourceType bindings =
          storage.registry().find("rbac.authorization.k8s.io", "v1", "clusterrolebindings").get();
      // As an older version left it: the same binding granting another role.
      ObjectNode stale = storage.get(bindings, null, BINDING);
      stale.with("roleRef").put("name", "system:basic-user");
      Meta.metadata(stale).remove("resourceVersion");
      Meta.metadata(stale).remove("uid");
      storage.delete(bindings, null, BINDING, DeleteOptions.DEFAULT).join();
      storage.create(bindings, null, stale, false).join();

      // The other replica runs its whole reconcile the moment this one is about to delete.
      AtomicBoolean raced = new AtomicBoolean();
      AtomicReference<String> othersUid = new AtomicReference<>();
      storage.addAdmission(
          request -> {
            if (request.operation() == Admission.Operation.DELETE
                && request.type().plural().equals("clusterrolebindings")
                && BINDING.equals(request.name())
                && raced.compareAndSet(false, true)) {
              CompletableFuture.runAsync(
                      () -> {
                        new PolicyBootstrap(storage).reconcile();
                        othersUid.set(Meta.uid(storage.get(bindings, null, BINDING)));
                      },
                      r -> new Thread(r, "other-replica").start())
                  .join();
            }
          });
      new PolicyBootstrap(storage).reconcile();

      ClusterRoleBinding after = admin.rbac().clusterRoleBindings().withName(BINDING).get();
      assertEquals(true, raced.get(), "the other replica ran in the window");
      assertEquals("system:discovery", after.getRoleRef().getName(), "the roleRef is the default");
      assertEquals(
          othersUid.get(),
          after.getMetadata().getUid(),
          "the binding the other replica wrote is the one left (not deleted and written again)");
    }
  }
}
