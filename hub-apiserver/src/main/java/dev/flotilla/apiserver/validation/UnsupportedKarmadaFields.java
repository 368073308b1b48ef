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
    for (String kind : java.util.List.of("cluster", "application")) {
      JsonNode rules = spec.path("failover").path(kind).path("statePreservation").path("rules");
      for (int i = 0; i < rules.size(); i++) {
        String path = rules.get(i).path("jsonPath").asText("");
        var why = PreservedState.unsupported(path);
        if (why.isPresent()) {
          errors.add(
              FieldError.invalid(
                  "spec.failover." + kind + ".statePreservation.rules[" + i + "].jsonPath",
                  TextNode.valueOf(path),
                  "this JSONPath is not supported by Flotilla yet: " + why.get()));
        }
      }
    }
  }
}
