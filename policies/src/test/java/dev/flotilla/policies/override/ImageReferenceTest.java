package dev.flotilla.policies.override;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

  private static final String DIGEST =
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "nginx, '', nginx, ''",
    "nginx:1.25, '', nginx, 1.25",
    "library/nginx:latest, '', library/nginx, latest",
    "docker.io/library/nginx:1.0, docker.io, library/nginx, 1.0",
    "localhost/app, localhost, app, ''",
    "localhost:5000/team/app:v2, localhost:5000, team/app, v2",
    "registry.k8s.io/pause@" + DIGEST + ", registry.k8s.io, pause, " + DIGEST,
    "fictional.registry.example:10443/imagename:1.0@"
        + DIGEST
        + ", fictional.registry.example:10443, imagename, 1.0",
  })
  void parse(String image, String registry, String repository, String tagOrDigest) {
    ImageReference reference = ImageReference.parse(image);
    assertEquals(registry, reference.registry());
    assertEquals(repository, reference.repository());
    assertEquals(tagOrDigest, reference.tagOrDigest());
  }

  @ParameterizedTest(name = "invalid [{0}]")
  @ValueSource(strings = {"", "Nginx", "nginx:", ":tag", "a//b", "nginx@sha256:short"})
  void invalid(String image) {
    assertThrows(OverrideException.class, () -> ImageReference.parse(image));
  }
}
