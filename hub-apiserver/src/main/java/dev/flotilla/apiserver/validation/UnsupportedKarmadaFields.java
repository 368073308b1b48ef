package dev.flotilla.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.flotilla.policies.eviction.PreservedState;
import java.util.List;

/**
 * Karmada policy fields the hub does not act on yet, refused at admission (422) rather than stored
 * and ignored: a user must learn at {@code kubectl apply} time that the behaviour is missing.
 * Policies that do not use them are unaffected; objects stored before a refusal existed can still
 * be updated (the admission ratchet).
 */
final class UnsupportedKarmadaFields {
  private UnsupportedKarmadaFields() {}

  static void propagation(JsonNode spec, List<FieldError> errors) {
    JsonNode failover = spec.path("failover");
    if (failover.path("application").isObject()) {
      errors.add(
          FieldError.forbidden(
              "spec.failover.application",
              "application failover is not supported by Flotilla yet: a workload that stays"
                  + " unhealthy on a cluster would not be moved; remove failover.application"
                  + " (cluster failover, failover.cluster, is supported)"));
    }
    JsonNode rules = failover.path("cluster").path("statePreservation").path("rules");
    for (int i = 0; i < rules.size(); i++) {
      String path = rules.get(i).path("jsonPath").asText("");
      var why = PreservedState.unsupported(path);
      if (why.isPresent()) {
        errors.add(
            FieldError.invalid(
                "spec.failover.cluster.statePreservation.rules[" + i + "].jsonPath",
                TextNode.valueOf(path),
                "this JSONPath is not supported by Flotilla yet: " + why.get()));
      }
    }
  }
}
