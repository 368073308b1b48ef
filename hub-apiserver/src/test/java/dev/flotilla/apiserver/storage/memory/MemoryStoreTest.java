package dev.flotilla.apiserver.storage.memory;

import dev.flotilla.apiserver.storage.Store;
import dev.flotilla.apiserver.storage.StoreContractTest;

/** The in-memory store keeps the durable store's contract. */
class MemoryStoreTest extends StoreContractTest {
  @Override
  protected Store newStore() {
    return new MemoryStore();
  }
}
