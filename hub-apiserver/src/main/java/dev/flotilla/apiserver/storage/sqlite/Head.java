package dev.flotilla.apiserver.storage.sqlite;

/**
 * What the store keeps in memory for every current key: its revisions, not its value (values are
 * read from SQLite through the {@link ValueCache}).
 */
record Head(long createRevision, long modRevision) {}
