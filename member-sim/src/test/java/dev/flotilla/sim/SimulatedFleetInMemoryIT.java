package dev.flotilla.sim;

/** Every test of {@link SimulatedFleetIT}, the members keeping their objects in memory. */
class SimulatedFleetInMemoryIT extends SimulatedFleetIT {
  @Override
  SimulatedFleet.MemberStore store() {
    return SimulatedFleet.MemberStore.MEMORY;
  }
}
