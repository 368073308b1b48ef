package dev.flotilla.agent.it;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Test shorthand over the agent's JSON helpers. */
final class Json {
  private Json() {}

  static ObjectNode metadataOf(ObjectNode obj) {
    return dev.flotilla.agent.kube.Json.metadata(obj);
  }
}
