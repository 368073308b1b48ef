package dev.flotilla.apiserver.it;

import dev.flotilla.apiserver.HubConfig;
import dev.flotilla.apiserver.HubServer;
import java.nio.file.Path;

/** Runs a hub in its own JVM so a test can kill it with SIGKILL; prints "PORT <n>" when ready. */
public final class HubProcessMain {
  private HubProcessMain() {}

  public static void main(String[] args) throws Exception {
    HubServer hub = HubServer.create(HubConfig.of(Path.of(args[0]), 0)).start();
    hub.writeKubeconfig(java.util.List.of());
    System.out.println("PORT " + hub.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
