package dev.flotilla.agent.execution;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Only the very version an apply returned is its echo, and only once. */
class OwnAppliesTest {
  @Test
  void theAppliedVersionIsAnEchoOnce() {
    OwnApplies own = new OwnApplies();
    own.applied("configmaps|bench|a", "17");
    assertTrue(own.echo("configmaps|bench|a", "17"));
    assertFalse(own.echo("configmaps|bench|a", "17"), "a second event of it is news");
  }

  @Test
  void anotherVersionOrObjectIsNews() {
    OwnApplies own = new OwnApplies();
    own.applied("configmaps|bench|a", "17");
    assertFalse(own.echo("configmaps|bench|a", "18"), "someone else changed it after us");
    assertFalse(own.echo("configmaps|bench|b", "17"));
    assertFalse(own.echo("configmaps|bench|a", null));
  }

  @Test
  void aLaterApplyReplacesTheVersionAndADeleteForgetsIt() {
    OwnApplies own = new OwnApplies();
    own.applied("configmaps|bench|a", "17");
    own.applied("configmaps|bench|a", "20");
    assertFalse(own.echo("configmaps|bench|a", "17"));
    assertTrue(own.echo("configmaps|bench|a", "20"));
    own.applied("configmaps|bench|a", "21");
    own.forget("configmaps|bench|a");
    assertFalse(own.echo("configmaps|bench|a", "21"));
  }

  @Test
  void anEchoBeforeTheReplyIsHeldAndThenKnownAsOurs() {
    OwnApplies own = new OwnApplies();
    own.applying("configmaps|bench|a");
    assertTrue(own.echo("configmaps|bench|a", "17"), "held while the apply is in flight");
    assertFalse(own.applied("configmaps|bench|a", "17"), "it was our own version: no news");
    assertFalse(own.echo("configmaps|bench|a", "17"), "a second event of it is news");
  }

  @Test
  void anotherVersionSeenWhileApplyingIsNewsOnceTheReplyCame() {
    OwnApplies own = new OwnApplies();
    own.applying("configmaps|bench|a");
    assertTrue(own.echo("configmaps|bench|a", "16"), "held while the apply is in flight");
    assertTrue(own.applied("configmaps|bench|a", "17"), "someone else's version: news");
    assertTrue(own.echo("configmaps|bench|a", "17"), "our own version's echo still comes");
  }

  @Test
  void anEventHeldByAFailedOrEmptyApplyIsNews() {
    OwnApplies own = new OwnApplies();
    own.applying("configmaps|bench|a");
    assertFalse(own.applied("configmaps|bench|a", null), "nothing was seen: no news");
    own.applying("configmaps|bench|a");
    assertTrue(own.echo("configmaps|bench|a", "30"));
    assertTrue(own.applied("configmaps|bench|a", null), "failed or wrote nothing: news");
    assertFalse(own.echo("configmaps|bench|a", "31"), "after the apply, events are judged again");
  }
}
