package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * A status write's reply is kept as text and only its resourceVersion read: wherever it sits in
 * metadata, past nested values, and nothing (not a guess) when the reply lacks one.
 */
class HubWorksReplyTest {
  @Test
  void readsTheResourceVersionWhereverMetadataHoldsIt() {
    assertEquals(
        "42",
        HubWorks.resourceVersionOf(
            "{\"apiVersion\":\"work.karmada.io/v1alpha1\",\"kind\":\"Work\",\"metadata\":"
                + "{\"name\":\"w\",\"labels\":{\"resourceVersion\":\"7\"},\"managedFields\":"
                + "[{\"manager\":\"m\",\"fieldsV1\":{\"f:resourceVersion\":{}}}],"
                + "\"resourceVersion\":\"42\"},\"spec\":{}}"));
    assertEquals(
        "9",
        HubWorks.resourceVersionOf(
            "{\"spec\":{\"metadata\":{\"resourceVersion\":\"1\"}},\"status\":[1,{\"a\":2}],"
                + "\"metadata\":{\"resourceVersion\":\"9\",\"name\":\"w\"}}"));
  }

  @Test
  void answersNothingWithoutOne() {
    assertNull(HubWorks.resourceVersionOf("{\"metadata\":{\"name\":\"w\"},\"spec\":{}}"));
    assertNull(HubWorks.resourceVersionOf("{\"metadata\":{\"resourceVersion\":42}}"));
    assertNull(HubWorks.resourceVersionOf("[{\"metadata\":{\"resourceVersion\":\"1\"}}]"));
    assertNull(HubWorks.resourceVersionOf("{\"metadata\":"));
    assertNull(HubWorks.resourceVersionOf(""));
  }
}
