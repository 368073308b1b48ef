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
}
