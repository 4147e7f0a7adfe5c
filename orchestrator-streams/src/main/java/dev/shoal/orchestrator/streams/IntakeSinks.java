package dev.shoal.orchestrator.streams;

/** The names of an input processor and of its two sinks: to the control log and to events. */
record IntakeSinks(String processor, String control, String events) {
  static IntakeSinks of(String processor) {
    return new IntakeSinks(processor, processor + "-to-control", processor + "-to-events");
  }
}
