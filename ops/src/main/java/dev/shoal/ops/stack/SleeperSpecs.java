package dev.shoal.ops.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.schemas.Json;

/**
 * Service specs for tests and benchmarks whose tasks are cheap processes ({@code sh -c 'sleep …'})
 * carrying markers in their argv: the stack's, the service's, and its slot and node
 * ({@link TaskProcesses#ARGS}), so the processes can be found and counted on the machine.
 */
public final class SleeperSpecs {
  private SleeperSpecs() {}

  /** The marker the processes of {@code service} carry in {@code stack}. */
  public static String marker(ProcessStack stack, String service) {
    return stack.marker() + ":" + service;
  }

  /** A replicated service of sleeping processes; stopping one takes no grace period to speak of. */
  public static ObjectNode sleeper(ProcessStack stack, String service, int replicas) {
    ObjectNode spec = Json.MAPPER.createObjectNode();
    spec.put("name", service);
    ArrayNode cmd = spec.putArray("command");
    // The trailing ":" keeps the shell (and with it the markers) alive: a shell may exec a last command.
    cmd.add("sh").add("-c").add("sleep 10000000; :").add(stack.marker()).add(marker(stack, service));
    TaskProcesses.ARGS.forEach(cmd::add);
    spec.put("replicas", replicas);
    spec.put("stopGracePeriod", "2s");
    return spec;
  }
}
