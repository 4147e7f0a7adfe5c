package dev.shoal.ops;

/** Which runtime an agent uses: Docker when an engine answers (auto), always Docker, or plain processes. */
enum RuntimeChoice {
  AUTO, DOCKER, PROCESS
}
