package dev.flotilla.agent.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One manifest after a reconcile: where it is (ordinal and member resource), what applying it did,
 * and the member object as last seen (null when absent or unknown).
 */
record ManifestResult(
    int ordinal,
    Gvr gvr,
    String apiVersion,
    String kind,
    String namespace,
    String name,
    ApplyOutcome outcome,
    ObjectNode live,
    String error) {

  boolean failed() {
    return outcome.failed();
  }

  String describe() {
    return kind + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
  }
}
