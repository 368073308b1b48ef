package dev.flotilla.mcs;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's examples/ folder from the module directory tests run in. */
final class Examples {
  private Examples() {}

  static Path dir(String name) {
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path candidate = p.resolve("examples").resolve(name);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      p = p.getParent();
    }
    throw new IllegalStateException(
        "examples/" + name + " not found above " + Path.of("").toAbsolutePath());
  }
}
