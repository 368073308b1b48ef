package dev.flotilla.controller.binding;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which ADDED events of Works are the echo of the binding controller's own creates. */
class OwnCreatesTest {
  private final OwnCreates own = new OwnCreates();

  @Test
  void theEchoAtTheVersionCreatedIsOwnAndOnlyOnce() {
    own.creating("ns/w");
    own.created("ns/w", "17");
    assertFalse(own.isEcho("ns/w", "18"), "a later version is someone's change");
    assertTrue(own.isEcho("ns/w", "17"));
    assertFalse(own.isEcho("ns/w", "17"), "a second ADDED (a relist) is news");
  }

  @Test
  void anEchoBeforeTheAnswerIsOwnAndTheAnswerAddsNothing() {
    own.creating("ns/w");
    assertTrue(own.isEcho("ns/w", "17"));
    own.created("ns/w", "17");
    assertFalse(own.isEcho("ns/w", "17"));
  }

  @Test
  void aFailedCreateOrAnotherWorkAwaitsNoEcho() {
    own.creating("ns/w");
    own.forget("ns/w");
    assertFalse(own.isEcho("ns/w", "17"));
    assertFalse(own.isEcho("ns/other", "3"), "a Work never created here");
  }
}
