package dev.shoal.orchestrator.streams;

/**
 * The names of an input processor and of its two children: where valid messages go ({@code next}:
 * the decision processor, or the sink of an internal input log) and the sink of rejection events.
 */
record IntakeSinks(String processor, String control, String events) {
  static IntakeSinks of(String processor, String next) {
    return new IntakeSinks(processor, next, processor + "-to-events");
  }
}
