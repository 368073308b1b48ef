package dev.flotilla.policies.placement;

/** A named scheduling plugin; names match Karmada's so users can refer to them the same way. */
public interface Plugin {
  String name();
}
