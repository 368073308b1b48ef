package dev.flotilla.apiserver.storage;

/** A read or watch asked for a revision that compaction has already removed. */
public class CompactedException extends RuntimeException {
  private final long requested;
  private final long compacted;

  public CompactedException(long requested, long compacted) {
    super("required revision " + requested + " has been compacted (oldest is " + compacted + ")");
    this.requested = requested;
    this.compacted = compacted;
  }

  public long requested() {
    return requested;
  }

  public long compacted() {
    return compacted;
  }
}
