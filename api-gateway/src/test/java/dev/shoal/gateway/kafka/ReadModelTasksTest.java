package dev.shoal.gateway.kafka;

import static dev.shoal.gateway.Fixtures.service;
import static dev.shoal.gateway.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.schemas.DesiredState;
import dev.shoal.schemas.Service;
import dev.shoal.schemas.Task;
import dev.shoal.schemas.TaskState;
import dev.shoal.schemas.TaskStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The read model's index of each service's tasks: in listing order, kept right through every change. */
class ReadModelTasksTest {
  private final ReadModel model = new ReadModel();
  private final Service web = service("web", 3);
  private final Service api = service("api", 3);

  /** The listing order spelled out independently: service, slot, node (missing last), newest first, id. */
  private static final Comparator<Task> LISTED = Comparator
      .comparing(Task::serviceName, Comparator.nullsLast(Comparator.<String>naturalOrder()))
      .thenComparing(Task::slot, Comparator.nullsLast(Comparator.<Integer>naturalOrder()))
      .thenComparing(Task::nodeId, Comparator.nullsLast(Comparator.<String>naturalOrder()))
      .thenComparing(Comparator.comparingLong(Task::createdAt).reversed())
      .thenComparing(Task::id, Comparator.nullsLast(Comparator.<String>naturalOrder()));

  @Test
  void aServicesTasksComeInListingOrderWhateverTheOrderTheyArrivedIn() {
    put(task("c", web, 2, "n1", DesiredState.RUNNING, TaskState.RUNNING, 10));
    put(task("a", web, 1, "n2", DesiredState.SHUTDOWN, TaskState.FAILED, 5));
    put(task("b", web, 1, "n2", DesiredState.RUNNING, TaskState.RUNNING, 8));
    put(task("z", web, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1));
    put(task("x", api, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1));
    assertThat(ids(model.tasksOfService(web.id()))).containsExactly("z", "b", "a", "c");
    assertThat(ids(model.tasksOfService(api.id()))).containsExactly("x");
    assertThat(model.tasksOfService("nope")).isEmpty();
  }

  @Test
  void aPlacementMovesATaskInTheOrderWithoutLeavingItsOldPlaceBehind() {
    Task pending = task("p", web, 1, null, DesiredState.RUNNING, TaskState.PENDING, 5);
    put(pending);
    put(task("q", web, 1, "n5", DesiredState.SHUTDOWN, TaskState.FAILED, 1));
    assertThat(ids(model.tasksOfService(web.id()))).containsExactly("q", "p");
    put(pending.withNode("n1", TaskStatus.of("p", "n1", TaskState.ASSIGNED, "assigned", 6), 6));
    assertThat(ids(model.tasksOfService(web.id()))).containsExactly("p", "q");
    model.removeTask("p");
    assertThat(ids(model.tasksOfService(web.id()))).containsExactly("q");
    model.removeTask("q");
    assertThat(model.tasksOfService(web.id())).isEmpty();
  }

  @Test
  void theSameListIsHandedOutUntilOneOfTheServicesTasksChanges() {
    Task w1 = task("w1", web, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1);
    put(w1);
    put(task("a1", api, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1));
    List<Task> first = model.tasksOfService(web.id());
    assertThat(model.tasksOfService(web.id())).isSameAs(first);
    put(task("a2", api, 2, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1));
    assertThat(model.tasksOfService(web.id())).as("another service changed").isSameAs(first);

    Task changed = w1.withDesiredState(DesiredState.SHUTDOWN, 2);
    put(changed);
    List<Task> second = model.tasksOfService(web.id());
    assertThat(second).isNotSameAs(first).containsExactly(changed);
    assertThat(first).as("a list handed out does not change under its reader").containsExactly(w1);
    assertThatThrownBy(() -> second.add(w1)).isInstanceOf(UnsupportedOperationException.class);
    model.removeTask("w1");
    assertThat(model.tasksOfService(web.id())).isEmpty();
  }

  @Test
  void aTaskThatChangesServiceLeavesTheOldOnesList() {
    Task t = task("t", web, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1);
    put(t);
    assertThat(model.tasksOfService(web.id())).hasSize(1);
    put(task("t", api, 1, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1));
    assertThat(model.tasksOfService(web.id())).isEmpty();
    assertThat(ids(model.tasksOfService(api.id()))).containsExactly("t");
  }

  @Test
  void recordsThatLookAlikeOrLackAnIdAreAllKept() {
    Task noId = new Task(null, web.id(), web.name(), 1, "n1", 1, web.spec(), DesiredState.RUNNING, null, 1, 1);
    model.putTask("k1", noId);
    model.putTask("k2", noId);
    Task same = task("dup", web, 2, "n1", DesiredState.RUNNING, TaskState.RUNNING, 1);
    model.putTask("k3", same);
    model.putTask("k4", same); // a key that is not the record's id, with the same record
    assertThat(model.tasksOfService(web.id())).hasSize(4);
    model.removeTask("k1");
    model.removeTask("k4");
    assertThat(model.tasksOfService(web.id())).containsExactly(noId, same);
  }

  @Test
  void randomChangesKeepEachServicesListTheTasksItHoldsInOrder() {
    Random r = new Random(14);
    Service[] services = {web, api, service("db", 1)};
    Map<String, Task> expected = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      String id = "t" + r.nextInt(400);
      if (r.nextInt(5) == 0) {
        model.removeTask(id);
        expected.remove(id);
      } else {
        Service s = services[r.nextInt(services.length)];
        Integer slot = r.nextInt(6) == 0 ? null : 1 + r.nextInt(20);
        String node = r.nextInt(4) == 0 ? null : "n" + r.nextInt(5);
        Task t = task(id, s, slot, node, DesiredState.RUNNING, TaskState.RUNNING, r.nextInt(50));
        model.putTask(id, t);
        expected.put(id, t);
      }
      if (step % 97 == 0) {
        for (Service s : services) {
          List<Task> want = new ArrayList<>(expected.values().stream().filter(t -> s.id().equals(t.serviceId())).toList());
          want.sort(LISTED);
          assertThat(model.tasksOfService(s.id())).as("step " + step).containsExactlyElementsOf(want);
        }
      }
    }
  }

  @Test
  void tasksWantedRunningAreCountedByStateThroughEveryChange() {
    Task p = task("p", web, 1, null, DesiredState.RUNNING, TaskState.PENDING, 5);
    put(p);
    put(task("r", web, 2, "n1", DesiredState.RUNNING, TaskState.RUNNING, 6));
    put(task("s", web, 3, "n2", DesiredState.SHUTDOWN, TaskState.RUNNING, 7));
    assertThat(model.wantedRunningByState()).isEqualTo(Map.of(TaskState.PENDING, 1, TaskState.RUNNING, 1));

    put(p.withNode("n1", TaskStatus.of("p", "n1", TaskState.ASSIGNED, "assigned", 8), 8));
    assertThat(model.wantedRunningByState()).isEqualTo(Map.of(TaskState.ASSIGNED, 1, TaskState.RUNNING, 1));

    put(task("r", web, 2, "n1", DesiredState.SHUTDOWN, TaskState.RUNNING, 9)); // no longer wanted
    model.removeTask("s"); // never counted
    assertThat(model.wantedRunningByState()).isEqualTo(Map.of(TaskState.ASSIGNED, 1));

    model.removeTask("p");
    model.removeTask("nope");
    assertThat(model.wantedRunningByState()).isEmpty();
  }

  private void put(Task t) {
    model.putTask(t.id(), t);
  }

  private static List<String> ids(List<Task> tasks) {
    return tasks.stream().map(Task::id).toList();
  }
}
