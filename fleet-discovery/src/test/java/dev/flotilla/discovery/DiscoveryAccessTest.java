package dev.flotilla.discovery;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flotilla.apiserver.auth.AgentTokens;
import dev.flotilla.apiserver.auth.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryAccessTest {
  @Test
  void mastersReadersAndAgentsMayRead() {
    assertNull(
        DiscoveryAccess.deny(new UserInfo("admin", "", List.of("system:masters")), "ns", "s"));
    assertNull(
        DiscoveryAccess.deny(
            new UserInfo("mesh", "", List.of(DiscoveryAccess.READERS)), "ns", "s"));
    assertNull(
        DiscoveryAccess.deny(
            new UserInfo("system:karmada:agent:member1", "", List.of(AgentTokens.GROUP)),
            "ns",
            "s"));
  }

  @Test
  void otherUsersAreToldHowToGetAccess() {
    String why =
        DiscoveryAccess.deny(
            new UserInfo("dev", "", List.of("system:authenticated")), "shop", "cart");
    assertNotNull(why);
    assertTrue(why.startsWith("User \"dev\" cannot get the instances of service shop/cart"), why);
    assertTrue(why.contains(DiscoveryAccess.READERS), why);
  }
}
