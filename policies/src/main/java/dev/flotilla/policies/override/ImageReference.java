package dev.flotilla.policies.override;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference split into registry, repository and tag or digest, following the
 * grammar of distribution/reference that Karmada's imageparser uses. A reference with both a tag
 * and a digest keeps the tag, as Karmada does.
 */
final class ImageReference {

  private static final String PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      "(?:"
          + DOMAIN_COMPONENT
          + "(?:\\."
          + DOMAIN_COMPONENT
          + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
  private static final String NAME =
      "(?:" + DOMAIN + "/)?" + PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
  static final String TAG = "[\\w][\\w.-]{0,127}";
  static final String DIGEST =
      "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
  private static final Pattern REFERENCE =
      Pattern.compile("^(" + NAME + ")(?::(" + TAG + "))?(?:@(" + DIGEST + "))?$");
  private static final Pattern ANCHORED_TAG = Pattern.compile("^" + TAG + "$");
  private static final Pattern ANCHORED_DIGEST = Pattern.compile("^" + DIGEST + "$");
  private static final int NAME_MAX_LENGTH = 255;

  private String registry;
  private String repository;
  private String tag;
  private String digest;

  private ImageReference(String registry, String repository, String tag, String digest) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  static ImageReference parse(String image) {
    if (image == null || image.isEmpty()) {
      throw new OverrideException(
          "failed to parse image value("
              + image
              + "), error: repository name must have at least one component");
    }
    Matcher m = REFERENCE.matcher(image);
    if (!m.matches()) {
      throw new OverrideException(
          "failed to parse image value(" + image + "), error: invalid reference format");
    }
    String name = m.group(1);
    if (name.length() > NAME_MAX_LENGTH) {
      throw new OverrideException(
          "failed to parse image value("
              + image
              + "), error: repository name must not be more than 255 characters");
    }
    String registry = "";
    String repository = name;
    int slash = name.indexOf('/');
    // The first component is a registry only if it looks like a host: has a dot or port, or is
    // localhost.
    if (slash >= 0) {
      String first = name.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        repository = name.substring(slash + 1);
      }
    }
    String tag = m.group(2) == null ? "" : m.group(2);
    String digest = tag.isEmpty() && m.group(3) != null ? m.group(3) : "";
    return new ImageReference(registry, repository, tag, digest);
  }

  String registry() {
    return registry;
  }

  void registry(String registry) {
    this.registry = registry;
  }

  String repository() {
    return repository;
  }

  void repository(String repository) {
    this.repository = repository;
  }

  String tagOrDigest() {
    return tag.isEmpty() ? digest : tag;
  }

  /**
   * Sets a tag or a digest, whichever the value is; anything else leaves the reference unchanged.
   */
  void tagOrDigest(String value) {
    if (ANCHORED_TAG.matcher(value).matches()) {
      tag = value;
      digest = "";
    } else if (ANCHORED_DIGEST.matcher(value).matches()) {
      digest = value;
      tag = "";
    }
  }

  void removeTagOrDigest() {
    if (!tag.isEmpty()) {
      tag = "";
    } else {
      digest = "";
    }
  }

  @Override
  public String toString() {
    String full = registry.isEmpty() ? repository : registry + "/" + repository;
    if (!tag.isEmpty()) {
      return full + ":" + tag;
    }
    return digest.isEmpty() ? full : full + "@" + digest;
  }
}
