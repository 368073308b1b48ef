package dev.flotilla.apiserver.table;

import dev.flotilla.apiserver.registry.BuiltinCatalogue;
import dev.flotilla.apiserver.registry.ResourceType;

/** Test access to built-in printers by resource. */
final class BuiltinPrintersAccess {
  private BuiltinPrintersAccess() {}

  static Printer pods() {
    ResourceType pods =
        BuiltinCatalogue.get().types().stream()
            .filter(t -> t.group().isEmpty() && t.plural().equals("pods"))
            .findFirst()
            .orElseThrow();
    return BuiltinPrinters.find(pods).orElseThrow();
  }
}
