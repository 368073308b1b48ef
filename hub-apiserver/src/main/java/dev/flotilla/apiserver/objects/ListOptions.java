package dev.flotilla.apiserver.objects;

import dev.flotilla.apiserver.selection.FieldSelector;
import dev.flotilla.apiserver.selection.LabelSelector;

/**
 * The query of a list or watch request.
 *
 * @param labels label selector, matches everything when empty
 * @param fields field selector, null when none was given
 * @param limit page size, 0 for no paging
 * @param continueToken the token from the previous page, or null
 * @param resourceVersion "" (most recent), "0" (any) or a revision
 * @param exact true for resourceVersionMatch=Exact
 */
public record ListOptions(
    LabelSelector labels,
    FieldSelector fields,
    int limit,
    String continueToken,
    String resourceVersion,
    boolean exact) {

  public boolean filters() {
    return !labels.isEmpty() || fields != null;
  }
}
