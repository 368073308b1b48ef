package dev.flotilla.agent.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's in-cluster member config, with a temp dir standing in for the pod's SA mount. */
class InClusterConfigTest {
  @TempDir Path mount;

  private static final Map<String, String> POD =
      Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443");

  private void account() throws Exception {
    Files.writeString(mount.resolve("token"), "first-token\n");
    Files.writeString(mount.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\n");
    Files.writeString(mount.resolve("namespace"), "karmada-system");
  }

  @Test
  void aPodReachesItsApiServerWithItsServiceAccountReadAfreshEachTime() throws Exception {
    account();
    Config config = InClusterConfig.load(POD, mount);
    assertEquals("https://10.96.0.1:443/", config.getMasterUrl());
    assertEquals(mount.resolve("ca.crt").toString(), config.getCaCertFile());
    assertEquals("karmada-system", config.getNamespace());
    assertEquals("first-token", config.getOauthTokenProvider().getToken());
    // The kubelet rotates a projected token in place: the next request carries the new one.
    Files.writeString(mount.resolve("token"), "rotated-token");
    assertEquals("rotated-token", config.getOauthTokenProvider().getToken());
  }

  @Test
  void anIpv6ServiceHostIsBracketed() throws Exception {
    account();
    Config config =
        InClusterConfig.load(
            Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "6443"), mount);
    assertEquals("https://[fd00::1]:6443/", config.getMasterUrl());
  }

  @Test
  void outsideAPodOrWithoutAMountedTokenItSaysWhatIsMissing() throws Exception {
    IllegalStateException noEnv =
        assertThrows(IllegalStateException.class, () -> InClusterConfig.load(Map.of(), mount));
    assertTrue(noEnv.getMessage().contains("KUBERNETES_SERVICE_HOST"), noEnv.getMessage());
    IllegalStateException noToken =
        assertThrows(IllegalStateException.class, () -> InClusterConfig.load(POD, mount));
    assertTrue(noToken.getMessage().contains("automountServiceAccountToken"), noToken.getMessage());
    assertTrue(noToken.getMessage().contains(mount.resolve("token").toString()));
  }
}
