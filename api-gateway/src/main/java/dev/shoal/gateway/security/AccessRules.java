package dev.shoal.gateway.security;

import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one table of who may call what: each rule names the methods and route templates it covers
 * (as registered, {@code /v1/nodes/{id}}; a Docker Engine API route's leading {@code /v{apiVersion}}
 * is ignored, so {@code /v1.41/services/create} and {@code /services/create} are one route) and the
 * role they need. The first rule that matches decides. A read no rule names needs the reader role;
 * a write no rule names needs admin, so a route added without a rule here is closed, not open.
 *
 * <p>Rules match the template of the route Javalin chose, never the raw request path, so no
 * spelling of a path (encodings, a trailing slash, case) can reach a route under another rule.
 */
public final class AccessRules {
  private static final Pattern ENGINE_VERSION = Pattern.compile("^/v\\{[^}/]+}(?=/)");
  private static final Set<HandlerType> READS = Set.of(HandlerType.GET, HandlerType.HEAD);

  /** One line of the table. */
  private record Rule(Set<String> methods, Pattern template, Role role, String what) {
    boolean matches(String method, String path) {
      return methods.contains(method) && template.matcher(path).matches();
    }
  }

  private static final List<Rule> RULES = List.of(
      // Logs are reads like any other (the task's output may hold secrets its owner printed, so they are
      // never open to callers without the reader role); named so a refusal says what was refused.
      rule(Role.READER, "GET", "(/v1)?/(services|tasks)/[^/]+/logs", "read task logs"),
      // Shoal's REST API
      rule(Role.ADMIN, "GET", "/v1/swarm/join-tokens", "see the join tokens"),
      rule(Role.ADMIN, "POST", "/v1/swarm/join-tokens/rotate", "rotate a join token"),
      rule(Role.ADMIN, "POST PUT PATCH DELETE", "/v1/nodes(/.*)?", "change or remove a node"),
      rule(Role.DEPLOYER, "POST PUT PATCH DELETE", "/v1/services(/.*)?", "create, change or remove a service"),
      // The Docker Engine API: the swarm object carries the join tokens, as the unlock key route its key
      rule(Role.ADMIN, "GET", "/swarm(/unlockkey)?", "see the swarm and its join tokens"),
      rule(Role.ADMIN, "POST PUT PATCH DELETE", "/swarm(/.*)?", "change the swarm"),
      rule(Role.ADMIN, "POST PUT PATCH DELETE", "/nodes(/.*)?", "change or remove a node"),
      rule(Role.DEPLOYER, "POST DELETE", "/services/create|/services/[^/]+/update|/services/[^/]+",
          "create, change or remove a service"),
      // docker stack deploy and rm create and remove networks, secrets and configs along with services
      rule(Role.DEPLOYER, "POST DELETE", "/(networks|secrets|configs)/create|/(networks|secrets|configs)/[^/]+",
          "create or remove a stack's networks, secrets or configs"));

  private AccessRules() {}

  private static Rule rule(Role role, String methods, String template, String what) {
    return new Rule(Set.of(methods.split(" ")), Pattern.compile(template), role, what);
  }

  /** The role a route needs, with what it does (for the refusal's message). */
  public record Need(Role role, String what) {}

  /** What calling the route registered as {@code method template} needs. */
  public static Need needed(HandlerType method, String template) {
    String path = ENGINE_VERSION.matcher(template).replaceFirst("");
    for (Rule r : RULES) {
      if (r.matches(method.name(), path)) {
        return new Need(r.role(), r.what());
      }
    }
    return READS.contains(method) ? new Need(Role.READER, "read the cluster")
        : new Need(Role.ADMIN, "call a route no rule names");
  }
}
