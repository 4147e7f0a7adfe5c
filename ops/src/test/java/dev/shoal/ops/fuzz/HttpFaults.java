package dev.shoal.ops.fuzz;

import static dev.shoal.ops.fuzz.Hostile.quote;

import dev.shoal.schemas.Limits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Hostile requests for one route of the gateway: bad path and query parameters, bad headers
 * (content types, idempotency keys, users), bad bodies (spec faults, wrong JSON types, deep
 * nesting, odd Unicode, invalid UTF-8, missing or huge bodies) and, now and then, framing the JDK
 * client would refuse to send. Writes aim at a decoy service whose tasks can never be placed and
 * at a real node, but never with an input that would change the node's availability or remove it.
 */
public final class HttpFaults {
  /** Query parameters each route reads (the rest get unknown ones). */
  private static final List<String> QUERY_NAMES = List.of("version", "force", "role", "since", "type", "service",
      "node", "desired-state");
  private static final List<String> QUERY_VALUES = List.of("abc", "-1", "1e2", "1.0", "99999999999999999999",
      "9223372036854775808", "", "%00", "%ff", "%20%201", "1%20", "0x1", "%EF%BC%91", "NaN", "true", "null",
      "worker%00", "..%2F..", "%E2%80%AE1", "-9223372036854775808", "1h%00", "2024-13-45T99:99:99Z", "9999h",
      "2562048h", "-5m", "300000000000000000000000s", "0000-00-00T00:00:00Z", "%F0%9F%98%80");
  private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
      "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
      "application/json; charset=bogus", "application/json;charset=ISO-8859-1", "", "*/*", "application/xml",
      "application/json, text/plain", "application/json; charset=", "application/json; boundary=\"");

  private final Hostile h;
  private final SpecFaults specs;
  private final String decoy;
  private final String node;

  public HttpFaults(Hostile h, String decoyService, String realNode) {
    this.h = h;
    this.specs = new SpecFaults(h, false);
    this.decoy = decoyService;
    this.node = realNode;
  }

  /** A hostile request for {@code route} ("METHOD /path/{param}"); {@code tag} makes names unique. */
  public HttpCase next(String route, String tag) {
    if (h.chance(0.12)) {
      return raw(route, tag);
    }
    String method = route.substring(0, route.indexOf(' '));
    String template = route.substring(route.indexOf(' ') + 1);
    List<String> faults = new ArrayList<>();
    boolean nodeTarget = template.startsWith("/v1/nodes/");
    String param = pathParam(template, tag, faults);
    boolean realNode = nodeTarget && param.equals(node);
    String path = template.replaceAll("\\{[^}]+}", param);
    String query = query(method, template, realNode, faults);
    List<String[]> headers = headers(faults);
    byte[] body = body(method, template, param, tag, faults);
    if (method.equals("PATCH") && realNode && body != null && isHarmfulNodePatch(body)) {
      body = "{\"availability\":\"drain \"}".getBytes(StandardCharsets.UTF_8);
    }
    return new HttpCase(route, method, path + query, headers, body, faults.isEmpty() ? "plain" : String.join(", ", faults),
        false);
  }

  /** A request to a route that does not exist, or with a method the route does not take. */
  public HttpCase unknown(String tag) {
    String method = h.oneOf("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    String path = h.oneOf("/", "/v1", "/v1/", "/v2/services", "/v1/nope", "/v1/services/x/y/z", "/v1/services/",
        "/v1/nodes/x/y", "/V1/SERVICES", "/v1//services", "/v1/services/" + tag + "/scale/x", "/_ping/x",
        "/v1/openapi.json/x", "/v1/swarm", "/v1/tasks/x/y", "/favicon.ico");
    byte[] body = h.chance(0.5) ? bytes(h.value()) : null;
    return new HttpCase("unknown route", method, path, headers(new ArrayList<>()), body, "unknown route", false);
  }

  private String pathParam(String template, String tag, List<String> faults) {
    if (!template.contains("{")) {
      return "";
    }
    boolean service = template.startsWith("/v1/services/");
    int r = h.below(100);
    if (r < 30) {
      return service ? decoy : template.startsWith("/v1/nodes/") ? node : "fh" + tag;
    }
    if (r < 50) {
      return "fh" + tag;
    }
    faults.add("bad path parameter");
    return h.oneOf("..", ".", "%2e%2e", "%2E", "..%2F..%2Fetc", "%2F", "a%2Fb", "%00", "%ff%fe", "%C0%AF",
        "%ED%A0%80", "%E2%80%AE" + "web", "%F0%9F%98%80", "a%20b", "%20", "~", "-", "a;b", "a%3Bb", "%3F", "%23",
        h.repeat(64), h.repeat(300), h.repeat(5_000), "a".repeat(200) + "!", "%25", "%2525", "web.2", "WEB",
        "x%0d%0aSet-Cookie:%20a=b", "%5C..%5C", "%u0041", "a%09b", "%7B%7D", "null", "-1", "1e2");
  }

  private String query(String method, String template, boolean realNode, List<String> faults) {
    List<String> params = new ArrayList<>();
    int n = h.below(100) < 55 ? 1 : h.below(3);
    for (int i = 0; i < n; i++) {
      String name = h.chance(0.85) ? h.pick(QUERY_NAMES) : h.oneOf("x", "%00", "version%00", "a[b]", h.repeat(300));
      String value = h.chance(0.9) ? h.pick(QUERY_VALUES) : h.repeat(h.oneOf(300, 5_000));
      if (name.equals("force") && realNode) {
        value = h.oneOf("yes", "TRUE", "2", "%00");
      }
      if (name.equals("version") && h.chance(0.2)) {
        value = Integer.toString(h.below(5));
      }
      params.add(name + (h.chance(0.1) ? "" : "=" + value));
    }
    if (h.chance(0.05)) {
      params.add("version=1&version=2");
    }
    if (params.isEmpty()) {
      return "";
    }
    faults.add("bad query");
    return "?" + String.join("&", params);
  }

  private List<String[]> headers(List<String> faults) {
    List<String[]> hs = new ArrayList<>();
    if (h.chance(0.8)) {
      String ct = h.chance(0.55) ? "application/json" : h.pick(CONTENT_TYPES);
      hs.add(new String[] {"Content-Type", ct});
      if (!ct.equals("application/json")) {
        faults.add("content type " + ct);
      }
    } else {
      faults.add("no content type");
    }
    int r = h.below(100);
    if (r < 12) {
      hs.add(new String[] {"Idempotency-Key", "k-" + Long.toHexString(h.random().nextLong())});
    } else if (r < 20) {
      hs.add(new String[] {"Idempotency-Key", h.oneOf(h.repeat(256), h.repeat(5_000), "", "a b", "\u00e9t\u00e9")});
      faults.add("bad Idempotency-Key");
    }
    if (h.chance(0.08)) {
      hs.add(new String[] {"X-Shoal-User", h.oneOf(h.repeat(300), "a b", "", "\u00e9", "root\tx")});
      faults.add("bad user");
    }
    if (h.chance(0.05)) {
      hs.add(new String[] {h.oneOf("Origin", "Accept", "Content-Encoding", "X-Shoal-Request-Id", "Accept-Charset"),
          h.oneOf("http://evil.example", "null", "gzip", "*/*;q=x", h.repeat(2_000), "x")});
      faults.add("odd header");
    }
    return hs;
  }

  private byte[] body(String method, String template, String param, String tag, List<String> faults) {
    boolean spec = (method.equals("POST") && template.equals("/v1/services"))
        || (method.equals("PUT") && template.equals("/v1/services/{name}"));
    boolean scale = template.endsWith("/scale");
    boolean patch = method.equals("PATCH");
    int r = h.below(100);
    if (r < 6) {
      faults.add("no body");
      return null;
    }
    if (r < 12) {
      int size = h.oneOf(Limits.MAX_COMMAND_BYTES + 1, Limits.MAX_SPEC_BYTES + 1, 1024 * 1024);
      faults.add("body of " + size + " bytes");
      return bytes("{\"x\":\"" + h.repeat(size - 8) + "\"}");
    }
    if (r < 18) {
      faults.add("invalid UTF-8 body");
      return h.withInvalidUtf8("{\"name\":\"", "\",\"replicas\":1}");
    }
    if (r < 24) {
      String text = h.notJson();
      faults.add("not JSON");
      return bytes(text);
    }
    if (spec) {
      String name = method.equals("PUT") && h.chance(0.7) ? param : "fh" + tag;
      Doc d = specs.any(name);
      faults.add("spec: " + d.fault());
      return d.bytes();
    }
    if (scale) {
      faults.add("scale body");
      return bytes(h.oneOf(
          "{\"replicas\":" + h.number() + "}",
          "{\"replicas\":" + h.value() + "}",
          "{\"replicas\":1,\"replicas\":2}",
          "{\"replicas\":1,\"extra\":1}",
          "{\"Replicas\":1}",
          "{}",
          "[{\"replicas\":1}]",
          "{\"replicas\":1}" + h.oneOf("x", "{}", " 1"),
          "{\"replicas\":" + h.below(3) + "}"));
    }
    if (patch) {
      faults.add("node patch body");
      return bytes(h.oneOf(
          "{\"availability\":" + quote(h.string()) + "}",
          "{\"availability\":" + h.value() + "}",
          "{\"role\":" + h.oneOf(quote(h.string()), h.value(), "\"king\"", "\"Worker\"") + "}",
          "{\"labels\":" + h.oneOf(h.value(), "{" + quote(h.string()) + ":" + quote(h.string()) + "}",
              "{\"k\":" + quote(h.repeat(257)) + "}", "{" + quote(h.repeat(129)) + ":\"v\"}",
              RecordFaults.labels(65)) + "}",
          "{\"availability\":\"drain\",\"availability\":\"active\"}",
          "{}",
          "{\"extra\":1}",
          "{\"labels\":null,\"role\":null,\"availability\":null}"));
    }
    if (h.chance(0.5)) {
      return null;
    }
    faults.add("unexpected body");
    return bytes(h.value());
  }

  /** A patch that could drain, pause or demote a real node: never sent to one. */
  private static boolean isHarmfulNodePatch(byte[] body) {
    String b = new String(body, StandardCharsets.UTF_8);
    return Set.of("\"drain\"", "\"pause\"", "\"manager\"", "\"worker\"").stream().anyMatch(b::contains);
  }

  /** Framing and bytes the JDK client refuses: sent over a socket as they are. */
  private HttpCase raw(String route, String tag) {
    String method = route.substring(0, route.indexOf(' '));
    String template = route.substring(route.indexOf(' ') + 1);
    String param = "fh" + tag;
    String path = template.replaceAll("\\{[^}]+}", param);
    List<String[]> hs = new ArrayList<>();
    hs.add(new String[] {"Content-Type", "application/json"});
    byte[] body = null;
    String fault;
    switch (h.below(12)) {
      case 0 -> {
        path = template.replaceAll("\\{[^}]+}", h.oneOf("%zz", "%", "%g0", "%%", "a%", "%2"));
        fault = "malformed escape in the path";
      }
      case 1 -> {
        // ISO-8859-1 characters 0x80-0xFF become single bytes on the wire: not UTF-8.
        path = template.replaceAll("\\{[^}]+}", h.oneOf("\u00e9", "\u00ff\u00fe", "\u00c0\u00af", "a\u0080b"));
        fault = "raw non-UTF-8 bytes in the path";
      }
      case 2 -> {
        path = path + "?version=" + h.oneOf("%zz", "\u00ff", "1%", "%u0031");
        fault = "malformed query";
      }
      case 3 -> {
        hs.add(new String[] {"Idempotency-Key", h.oneOf("k\u00e9y", "\u00ff\u00fe", "a\u0001b")});
        fault = "non-ASCII Idempotency-Key";
      }
      case 4 -> {
        hs.add(new String[] {"X-Long", h.repeat(h.oneOf(9_000, 40_000))});
        fault = "header over the server's limit";
      }
      case 5 -> {
        path = path + "?x=" + h.repeat(h.oneOf(9_000, 40_000));
        fault = "URI over the server's limit";
      }
      case 6 -> {
        hs.add(new String[] {"Content-Length", h.oneOf("abc", "-1", "1, 2", "99999999999999999999")});
        body = bytes("{}");
        fault = "bad Content-Length";
      }
      case 7 -> {
        hs.add(new String[] {"Transfer-Encoding", "chunked"});
        // Complete but malformed: a body that merely stops is a slow client, which the server waits for.
        body = bytes(h.oneOf("zz\r\n{}\r\n0\r\n\r\n", "2\r\n{}\r\nzz\r\n\r\n", "-1\r\n\r\n",
            "FFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n", "2\r\n{}x\r\n0\r\n\r\n"));
        fault = "bad chunked body";
      }
      case 8 -> {
        method = h.oneOf("get", "FOO", "PROPFIND", "TRACE", "CONNECT", "G\u00c9T");
        fault = "odd method";
      }
      case 9 -> {
        path = h.oneOf("http://evil.example" + path, "*", path.substring(1), "/../" + path, path + "#frag",
            "//" + path);
        fault = "odd request target";
      }
      case 10 -> {
        hs.add(new String[] {"Host", h.oneOf("evil.example", "", "a b", "127.0.0.1:99999", "\u00e9")});
        fault = "odd Host";
      }
      default -> {
        hs.add(new String[] {"Content-Type", h.oneOf("text/plain", "application/json; charset=utf-16")});
        body = bytes("{\"replicas\":1}");
        fault = "two content types";
      }
    }
    if (body == null && (method.equals("POST") || method.equals("PUT") || method.equals("PATCH"))) {
      body = bytes("{\"replicas\":1}");
    }
    return new HttpCase(route, method, path, hs, body, fault, true);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
