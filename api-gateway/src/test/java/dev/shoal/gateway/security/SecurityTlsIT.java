package dev.shoal.gateway.security;

import static dev.shoal.gateway.Fixtures.specJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.gateway.GatewayConfig;
import dev.shoal.gateway.GatewayServer;
import dev.shoal.gateway.Http;
import dev.shoal.gateway.InMemoryClusterBackend;
import dev.shoal.gateway.RouteTable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over real HTTPS (Jetty's TLS, the JDK's client, certificates made by a test CA): who
 * gets through the handshake, how certificates and bearer tokens become identities, and that a
 * browser-style request is refused over TLS just as over plain HTTP.
 */
class SecurityTlsIT {
  @TempDir
  static Path dir;
  private static TlsFixture tls;
  private final InMemoryClusterBackend backend = new InMemoryClusterBackend();
  /** Every request a route served (2xx), as {@code "GET /v1/services 200 ada"}. */
  final List<String> served = new CopyOnWriteArrayList<>();
  private GatewayServer server;

  @BeforeAll
  static void material() throws IOException {
    tls = new TlsFixture(dir);
  }

  GatewayServer start(ApiSecurity security) {
    RouteTable recorder = routes -> routes.after(ctx -> {
      Identity id = ctx.attribute(Identity.ATTRIBUTE);
      if (ctx.status().getCode() >= 300) {
        return;
      }
      served.add(ctx.method().name() + " " + ctx.path() + " " + ctx.status().getCode() + " "
          + (id == null ? "-" : id.principal()));
    });
    server = new GatewayServer(new GatewayConfig(null, null, "127.0.0.1", 0, null, null).withSecurity(security),
        backend, Clock.systemUTC(), List.of(recorder)).start();
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Http client(SSLContext context) {
    return new Http(server.url(), context);
  }

  @Test
  void withCertificatesOnlyAClientWithoutOneCannotCompleteTheHandshake() {
    start(tls.certificates());
    Http anonymous = client(tls.noCertificate());
    assertThatThrownBy(() -> anonymous.get("/v1/services")).hasRootCauseInstanceOf(IOException.class);
    assertThat(served).isEmpty();
  }

  @Test
  void aCertificateFromAnotherCaFailsTheHandshakeEvenWhereTokensAreAccepted() throws Exception {
    for (ApiSecurity s : List.of(tls.certificates(), tls.certificatesOrTokens())) {
      start(s);
      Http mallory = client(tls.stranger());
      assertThatThrownBy(() -> mallory.get("/v1/services")).as(s.toString()).hasRootCauseInstanceOf(IOException.class);
      server.close();
    }
    assertThat(served).isEmpty();
  }

  @Test
  void thePrincipalIsTheCertificatesCommonNameAndItsRoleItsOrganisationalUnit() throws IOException {
    start(tls.certificates());
    Http.Response created = client(tls.client("dora", Role.DEPLOYER)).post("/v1/services", specJson("web", 1));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(backend.published.get(0).caller().principal()).isEqualTo("dora");
    assertThat(served).containsExactly("POST /v1/services 201 dora");
  }

  @Test
  void aCertificateMustNameOneRoleAndAUsablePrincipal() throws IOException {
    start(tls.certificates());
    Http.Response none = client(tls.clientWithSubject("CN=nobody,OU=engineering", "nobody")).get("/v1/services");
    assertThat(none.status()).isEqualTo(403);
    assertThat(none.message()).isEqualTo("the client certificate of CN=nobody must name exactly one role as"
        + " OU=admin, OU=deployer or OU=reader; it names none");
    Http.Response two = client(tls.clientWithSubject("CN=greedy,OU=reader,OU=admin", "greedy")).get("/v1/services");
    assertThat(two.status()).isEqualTo(403);
    assertThat(two.message()).endsWith("it names 2");
    Http.Response spaced = client(tls.clientWithSubject("CN=Jane Doe,OU=admin", "jane")).get("/v1/services");
    assertThat(spaced.status()).isEqualTo(403);
    assertThat(spaced.message()).contains("needs a CN of 1-256 printable characters without spaces");
    assertThat(served).isEmpty();
  }

  @Test
  void bearerTokensGoodBadAndMissing() {
    start(tls.certificatesOrTokens());
    Http noCert = client(tls.noCertificate());

    Http.Response missing = noCert.get("/v1/services");
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.message()).isEqualTo("authentication required: present a client certificate signed by the"
        + " API's CA, or send Authorization: Bearer <token>");
    assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"shoal\"");

    Http.Response bad = noCert.send("GET", "/v1/services", null, "Authorization", "Bearer not-a-token-0123456789");
    assertThat(bad.status()).isEqualTo(401);
    assertThat(bad.message()).isEqualTo("the bearer token is not valid");

    Http.Response basic = noCert.send("GET", "/v1/services", null, "Authorization", "Basic YWRtaW46YWRtaW4=");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.message()).isEqualTo("the Authorization header must be \"Bearer <token>\"");

    Http.Response good = noCert.send("GET", "/v1/services", null, "Authorization", "Bearer " + TlsFixture.READER_TOKEN);
    assertThat(good.status()).as(good.toString()).isEqualTo(200);
    assertThat(served).containsExactly("GET /v1/services 200 dashboard");
  }

  @Test
  void aTokenOverPlainHttpOnLoopbackWorksForCurlUsers() {
    start(ApiSecurity.none().withTokensFile(tls.tokens));
    assertThat(server.url()).startsWith("http://");
    Http plain = new Http(server.port());
    assertThat(plain.get("/v1/services").status()).isEqualTo(401);
    Http.Response r = plain.send("POST", "/v1/services", specJson("web", 1), "Authorization", "Bearer " + TlsFixture.DEPLOYER_TOKEN);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    assertThat(backend.published.get(0).caller().principal()).isEqualTo("ci-deploy");
  }

  @Test
  void browserStyleRequestsAreRefusedOverTlsWhateverTheCertificate() throws IOException {
    start(tls.certificates());
    SSLContext adminTls = tls.client("ada", Role.ADMIN);
    Http ada = client(adminTls);

    Http.Response textPlain = ada.send("POST", "/v1/services", specJson("web", 1), "Content-Type", "text/plain");
    assertThat(textPlain.status()).isEqualTo(415);
    assertThat(textPlain.message()).startsWith("a request body must be JSON sent as Content-Type: application/json (got text/plain)");
    Http.Response form = ada.send("POST", "/v1/services", "a=b", "Content-Type", "application/x-www-form-urlencoded");
    assertThat(form.status()).isEqualTo(415);
    assertThat(backend.published).isEmpty();

    // A browser can POST without a body too; then the Origin gives it away.
    Http.Response foreign = ada.send("POST", "/v1/swarm/join-tokens/rotate?role=worker", null,
        "Origin", "https://evil.example", "Content-Type", "text/plain");
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.message()).startsWith("requests from web pages at https://evil.example are refused");
    Http.Response foreignRead = ada.send("GET", "/v1/services", null, "Origin", "http://127.0.0.1:1");
    assertThat(foreignRead.status()).isEqualTo(403);
    Http.Response crossSite = ada.send("GET", "/v1/services", null, "Sec-Fetch-Site", "cross-site");
    assertThat(crossSite.status()).isEqualTo(403);
    assertThat(backend.published).isEmpty();

    RawHttp.Answer rebound = RawHttp.send(adminTls, server.port(), "GET", "/v1/services", "Host: evil.example:" + server.port());
    assertThat(rebound.status()).as(rebound.text()).isEqualTo(403);
    assertThat(rebound.text()).contains("Host evil.example:" + server.port() + " is not a name of this API");

    // What the docker CLI and curl send passes: JSON bodies, a body-less POST marked text/plain, our own origin.
    assertThat(ada.send("POST", "/v1/services", specJson("web", 1), "Content-Type", "application/json; charset=utf-8").status())
        .isEqualTo(201);
    assertThat(ada.send("DELETE", "/v1/services/web", null, "Content-Type", "text/plain").status()).isEqualTo(204);
    assertThat(ada.send("GET", "/v1/services", null, "Origin", server.url(), "Sec-Fetch-Site", "same-origin").status())
        .isEqualTo(200);
    assertThat(RawHttp.send(adminTls, server.port(), "GET", "/v1/services", "Host: localhost:" + server.port()).status())
        .isEqualTo(200);
  }
}
