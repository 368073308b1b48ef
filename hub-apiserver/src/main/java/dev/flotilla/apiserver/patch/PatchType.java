package dev.flotilla.apiserver.patch;

import dev.flotilla.apiserver.objects.ApiException;

/** The patch content types the API accepts. */
public enum PatchType {
  JSON("application/json-patch+json"),
  MERGE("application/merge-patch+json"),
  STRATEGIC("application/strategic-merge-patch+json"),
  APPLY("application/apply-patch+yaml");

  private final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  public static PatchType of(String contentType) {
    for (PatchType t : values()) {
      if (t.contentType.equals(contentType)) {
        return t;
      }
    }
    throw ApiException.unsupportedMediaType(contentType);
  }
}
