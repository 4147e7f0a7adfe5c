package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An own record's spec is the object read before from the same bytes, and otherwise read as before. */
class SpecSpansTest {
  // Braces, brackets, quotes and escapes inside strings, nested objects and lists: the spec's end is
  // where its object ends, not where a brace in a string is.
  private static final String RICH = "{\"name\":\"web\",\"image\":\"busybox\",\"command\":[\"sh\",\"-c\",\"echo '}{' \\\"]\\\"\"],"
      + "\"env\":{\"A\":\"}\",\"B\":\"\\\\\",\"C\":\"\\u00e9\\u20ac\"},\"labels\":{\"tier\":\"{front}\"},"
      + "\"ports\":[{\"target\":80,\"published\":8080}]}";

  private static Task task(String id, String serviceId, String specJson) {
    return new Task(id, serviceId, "web", 1, "n1", 3, SpecValidator.validate(specJson).spec(), DesiredState.RUNNING,
        TaskStatus.of(id, "n1", TaskState.RUNNING, "started", 5), 4, 5);
  }

  private static byte[] bytes(Task t) {
    return Json.toBytes(t);
  }

  @Test
  void theSameSpecBytesGiveTheSameObjectEqualToAStrictRead() {
    byte[] first = bytes(task("t1", "s1", RICH));
    byte[] second = bytes(task("t2", "s1", RICH));

    Task a = Json.fromOwnBytes(first, Task.class);
    Task b = Json.fromOwnBytes(second, Task.class);

    assertThat(b.spec()).isSameAs(a.spec());
    assertThat(a).isEqualTo(Json.fromBytes(first, Task.class));
    assertThat(b).isEqualTo(Json.fromBytes(second, Task.class));
    assertThat(a.spec().env()).containsEntry("A", "}").containsEntry("B", "\\").containsEntry("C", "é€");
    assertThat(a.spec().command()).containsExactly("sh", "-c", "echo '}{' \"]\"");
    // What follows the spec in the record is read too.
    assertThat(b.id()).isEqualTo("t2");
    assertThat(b.desiredState()).isEqualTo(DesiredState.RUNNING);
    assertThat(b.status().state()).isEqualTo(TaskState.RUNNING);
    assertThat(b.createdAt()).isEqualTo(4);
  }

  @Test
  void specsThatDifferInOneByteAreEachTheirOwn() {
    Task a = Json.fromOwnBytes(bytes(task("t1", "s1", RICH)), Task.class);
    Task b = Json.fromOwnBytes(bytes(task("t2", "s1", RICH.replace("\"A\":\"}\"", "\"A\":\"{\""))), Task.class);

    assertThat(b.spec()).isNotSameAs(a.spec());
    assertThat(b.spec().env()).containsEntry("A", "{");
    assertThat(a.spec().env()).containsEntry("A", "}");
  }

  @Test
  void specsThatDifferOnlyInTheMiddleAreToldApartWhereverTheByteIs() {
    // Only a spec's first bytes are hashed: eight specs of one length, differing in eight
    // neighbouring bytes past them, all hash alike.
    String filler = "x".repeat(200);
    List<Task> written = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String value = filler.substring(0, 100 + i) + "y" + filler.substring(101 + i);
      written.add(task("t" + i, "s1", RICH.replace("\"tier\":\"{front}\"", "\"tier\":\"" + value + "\"")));
    }
    for (int round = 0; round < 2; round++) {
      for (Task t : written) {
        assertThat(Json.fromOwnBytes(bytes(t), Task.class).spec().labels()).isEqualTo(t.spec().labels());
      }
    }
  }

  @Test
  void moreSpecsThatHashAlikeThanItKeepsPerHashAreAllReadRight() {
    String filler = "x".repeat(200);
    List<Task> written = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      written.add(task("t" + i, "s1", RICH.replace("\"tier\":\"{front}\"", "\"tier\":\"" + filler + i + "\"")));
    }
    for (int round = 0; round < 2; round++) {
      for (Task t : written) {
        assertThat(Json.fromOwnBytes(bytes(t), Task.class).spec().labels()).isEqualTo(t.spec().labels());
      }
    }
    // The spec read last is still kept: read again, it is the same object.
    Task last = written.get(written.size() - 1);
    assertThat(Json.fromOwnBytes(bytes(last), Task.class).spec())
        .isSameAs(Json.fromOwnBytes(bytes(last), Task.class).spec());
  }

  @Test
  void theTasksOfAssignmentsShareTheirSpecToo() {
    Task t1 = task("t1", "s1", RICH);
    Task t2 = task("t2", "s1", RICH);
    Assignment a1 = Json.fromOwnBytes(Assignment.json("n1", 7, Json.toBytes(t1)), Assignment.class);
    Assignment a2 = Json.fromOwnBytes(Assignment.json("n1", 8, Json.toBytes(t2)), Assignment.class);

    assertThat(a2.task().spec()).isSameAs(a1.task().spec());
    assertThat(a1.task()).isEqualTo(t1);
    assertThat(a2.task()).isEqualTo(t2);
    assertThat(a2.sequence()).isEqualTo(8);
  }

  @Test
  void aSpecWithAnUnknownFieldIsRefusedEvenAfterItsKnownFormWasRead() {
    Json.fromOwnBytes(bytes(task("t1", "s1", RICH)), Task.class);
    String unknown = new String(bytes(task("t2", "s1", RICH)), StandardCharsets.UTF_8)
        .replace("\"name\":\"web\"", "\"name\":\"web\",\"colour\":\"red\"");

    assertThatThrownBy(() -> Json.fromOwnBytes(unknown.getBytes(StandardCharsets.UTF_8), Task.class))
        .isInstanceOf(UncheckedIOException.class).hasMessageContaining("colour");
  }

  @Test
  void moreSpecsThanItRemembersAreAllReadRight() {
    // More than the 4,096 a thread remembers, each read twice: the second time after it started over.
    // They differ only in their replicas, far from where they begin, so they all hash alike too.
    List<byte[]> written = new ArrayList<>();
    ServiceSpec rich = SpecValidator.validate(RICH).spec();
    for (int i = 0; i < 5_000; i++) {
      written.add(bytes(new Task("t" + i, "s" + i, "web", 1, "n1", 3, rich.withReplicas(i + 1),
          DesiredState.RUNNING, null, 4, 5)));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < written.size(); i++) {
        Task read = Json.fromOwnBytes(written.get(i), Task.class);
        assertThat(read.spec().replicas()).isEqualTo(i + 1);
        assertThat(read.spec().withReplicas(1)).isEqualTo(rich.withReplicas(1));
      }
    }
  }

  @Test
  void moreSpecBytesThanItRemembersAreAllReadRight() {
    // 2,000 specs of about 9 KB: over the 16 MiB a thread keeps well before its 4,096 specs.
    String big = "x".repeat(9_000);
    List<byte[]> written = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      ServiceSpec spec = Json.fromBytes(RICH.replace("{front}", i + big).getBytes(StandardCharsets.UTF_8),
          ServiceSpec.class);
      written.add(bytes(new Task("t" + i, "s" + i, "web", 1, "n1", 3, spec, DesiredState.RUNNING, null, 4, 5)));
    }
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < written.size(); i++) {
        assertThat(Json.fromOwnBytes(written.get(i), Task.class).spec().labels()).containsEntry("tier", i + big);
      }
    }
  }

  @Test
  void aTaskWithoutSpecIsRead() {
    Task none = task("t1", "s1", RICH).withSpec(null);
    assertThat(Json.fromOwnBytes(bytes(none), Task.class)).isEqualTo(none);
  }
}
