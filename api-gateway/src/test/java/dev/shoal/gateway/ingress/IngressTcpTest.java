package dev.shoal.gateway.ingress;

import static dev.shoal.gateway.ingress.IngressFixtures.closedPort;
import static dev.shoal.gateway.ingress.IngressFixtures.running;
import static dev.shoal.gateway.ingress.IngressFixtures.task;
import static dev.shoal.gateway.ingress.IngressFixtures.tcpService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.shoal.gateway.ingress.TestBackends.EchoBackend;
import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.TaskState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A raw TCP published port (no HTTP anywhere): a line protocol through the ingress to real TCP servers. */
class IngressTcpTest {
  private final IngressFixtures.Source source = new IngressFixtures.Source();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private IngressServer ingress;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ingress = new IngressServer(IngressConfig.defaults(), source).start();
    port = closedPort();
  }

  @AfterEach
  void stop() throws Exception {
    ingress.close();
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private EchoBackend backend(String name) throws IOException {
    EchoBackend b = new EchoBackend(name);
    closing.add(b);
    return b;
  }

  private void awaitTasks(int n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.boundPort(port) == port
        && ingress.view().get(0).tasks().size() == n);
  }

  /** A client connection: its greeting, and an echo round trip. */
  private record Client(Socket socket, BufferedReader in, PrintWriter out) implements AutoCloseable {
    static Client open(int port) throws IOException {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(10_000);
      return new Client(s, new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)),
          new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8));
    }

    String echo(String line) throws IOException {
      out.println(line);
      return in.readLine();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void connectionsSpreadOverTheTasksAndBytesFlowBothWays() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    source.put(running(db, 1, backend("one").port()));
    source.put(running(db, 2, backend("two").port()));
    awaitTasks(2);
    assertThat(ingress.view().get(0).protocol()).isEqualTo("tcp");

    Map<String, Integer> greeted = new TreeMap<>();
    for (int i = 0; i < 6; i++) {
      try (Client c = Client.open(port)) {
        greeted.merge(c.in.readLine(), 1, Integer::sum);
        assertThat(c.echo("ping " + i)).isEqualTo("ping " + i);
        String big = "x".repeat(200_000);
        assertThat(c.echo(big)).isEqualTo(big);
      }
    }
    assertThat(greeted).containsExactly(Map.entry("hello from one", 3), Map.entry("hello from two", 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().stream()
        .allMatch(t -> t.active() == 0 && t.served() == 3));
  }

  @Test
  void aHalfCloseReachesTheTaskAndItsAnswerStillComesBack() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    source.put(running(db, 1, backend("one").port()));
    awaitTasks(1);
    try (Client c = Client.open(port)) {
      assertThat(c.in.readLine()).isEqualTo("hello from one");
      c.out.println("last words");
      c.socket.shutdownOutput();
      assertThat(c.in.readLine()).isEqualTo("last words");
      assertThat(c.in.readLine()).isNull();
    }
  }

  @Test
  void withoutATaskTheConnectionIsClosedAndARefusingTaskIsSkipped() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    source.put(running(db, 1, closedPort()));
    awaitTasks(1);
    // The only task refuses: the client's connection is closed without a byte.
    try (Client c = Client.open(port)) {
      assertThat(c.socket.getInputStream().read()).isEqualTo(-1);
    }
    source.put(running(db, 2, backend("two").port()));
    awaitTasks(2);
    for (int i = 0; i < 4; i++) {
      try (Client c = Client.open(port)) {
        assertThat(c.in.readLine()).isEqualTo("hello from two");
      }
    }
    source.remove(db);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));
  }

  /** Two of three tasks gone while still in the route: every connection is offered on until it reaches the third. */
  @Test
  void aRefusedConnectionIsOfferedToUpToThreeTasks() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    EchoBackend first = backend("first");
    EchoBackend second = backend("second");
    source.put(running(db, 1, first.port()));
    source.put(running(db, 2, second.port()));
    source.put(running(db, 3, backend("third").port()));
    awaitTasks(3);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        ingress.view().get(0).tasks().stream().allMatch(t -> t.state().equals("serving")));
    first.close();
    second.close();
    for (int i = 0; i < 9; i++) {
      try (Client c = Client.open(port)) {
        assertThat(c.in.readLine()).as("connection %d", i).isEqualTo("hello from third");
      }
    }
  }

  @Test
  void aDrainingTaskTakesTheConnectionWhenNoServingTaskCanAndNeverOtherwise() throws Exception {
    Service db = tcpService("db", port);
    source.put(db);
    EchoBackend serving = backend("serving");
    source.put(running(db, 1, serving.port()));
    source.put(task(db, 2, DesiredState.SHUTDOWN, TaskState.RUNNING, null, backend("draining").port()));
    awaitTasks(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> ingress.view().get(0).tasks().get(0).state().equals("serving"));
    for (int i = 0; i < 6; i++) {
      try (Client c = Client.open(port)) {
        assertThat(c.in.readLine()).isEqualTo("hello from serving");
      }
    }
    serving.close();
    for (int i = 0; i < 4; i++) {
      try (Client c = Client.open(port)) {
        assertThat(c.in.readLine()).as("connection %d", i).isEqualTo("hello from draining");
        assertThat(c.echo("ping")).isEqualTo("ping");
      }
    }
  }
}
