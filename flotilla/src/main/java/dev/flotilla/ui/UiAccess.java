package dev.flotilla.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flotilla.apiserver.auth.UserInfo;
import dev.flotilla.apiserver.http.Authorizer;
import dev.flotilla.apiserver.rbac.Attributes;
import dev.flotilla.apiserver.rbac.HubAuthorizer;
import java.util.function.Supplier;

/**
 * Who sees which part of the fleet view: each section is shown to a user exactly when RBAC lets
 * that user list, across the fleet, the objects it is drawn from (Clusters; ResourceBindings;
 * Works, which carry the MCS reports). A denied section says so and shows nothing, so the view
 * never reveals more than {@code kubectl} would.
 */
final class UiAccess {
  /** A rendered view and the ETag it answers to. */
  record View(ObjectNode body, String etag) {}

  private final Supplier<Authorizer> authorizer;

  UiAccess(Supplier<Authorizer> authorizer) {
    this.authorizer = authorizer;
  }

  /** The view for {@code user}; null when {@code ifNoneMatch} already names it. */
  View view(UserInfo user, FleetModel model, String ifNoneMatch) {
    String clusters = deny(user, "cluster.karmada.io", "v1alpha1", "clusters");
    String templates = deny(user, "work.karmada.io", "v1alpha2", "resourcebindings");
    String services = deny(user, "work.karmada.io", "v1alpha1", "works");
    String mask =
        (clusters == null ? "c" : "")
            + (templates == null ? "t" : "")
            + (services == null ? "s" : "");
    // Read before the sections are drawn: a change in between makes the next poll redraw.
    String etag = "\"" + model.revision() + "-" + mask + "\"";
    if (etag.equals(ifNoneMatch)) {
      return null;
    }
    ObjectNode body = FleetModel.MAPPER.createObjectNode();
    body.put("user", user.name());
    body.put("synced", model.hasSynced());
    section(body, "clusters", clusters, model::clusters);
    section(body, "templates", templates, model::templates);
    section(body, "services", services, model::services);
    return new View(body, etag);
  }

  private static void section(
      ObjectNode body, String name, String denied, Supplier<ArrayNode> items) {
    ObjectNode s = body.putObject(name);
    if (denied != null) {
      s.put("denied", denied);
    } else {
      s.set("items", items.get());
    }
  }

  /** Null when {@code user} may list the resource in every namespace, else the reason. */
  private String deny(UserInfo user, String group, String version, String resource) {
    if (user.groups().contains(HubAuthorizer.MASTERS)) {
      return null;
    }
    Authorizer a = authorizer.get();
    if (a instanceof HubAuthorizer rbac
        && rbac.decide(Attributes.resource(user, "list", "", group, version, resource, "", ""))
            .allowed()) {
      return null;
    }
    return "User \""
        + user.name()
        + "\" cannot list resource \""
        + resource
        + "\" in API group \""
        + group
        + "\" at the cluster scope";
  }
}
