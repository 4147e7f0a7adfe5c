package dev.shoal.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpecSharingTest {
  private static final String WEB = "{\"name\":\"web\",\"image\":\"busybox\",\"env\":{\"A\":\"1\"},\"labels\":{\"tier\":\"front\"}}";

  /** A task as a reader gets it: read from its JSON, so each call carries a spec object of its own. */
  private static Task read(String id, String serviceId, long version, String specJson) {
    ServiceSpec spec = SpecValidator.validate(specJson).spec();
    Task t = new Task(id, serviceId, "web", 1, "n1", version, spec, DesiredState.RUNNING,
        TaskStatus.of(id, "n1", TaskState.RUNNING, "started", 5), 4, 5);
    return Json.fromBytes(Json.toBytes(t), Task.class);
  }

  @Test
  void tasksOfOneServiceVersionWithEqualSpecsShareTheFirstOnesSpecAndAreOtherwiseUnchanged() {
    SpecSharing sharing = new SpecSharing();
    Task first = read("t1", "s1", 3, WEB);
    Task second = read("t2", "s1", 3, WEB);
    assertThat(second.spec()).isNotSameAs(first.spec()).isEqualTo(first.spec());

    Task a = sharing.share(first);
    Task b = sharing.share(second);

    assertThat(a).isSameAs(first);
    assertThat(b.spec()).isSameAs(first.spec());
    assertThat(b).isEqualTo(second);
    assertThat(Json.toString(b)).isEqualTo(Json.toString(second));
  }

  @Test
  void aSpecThatDiffersKeepsItsOwnEvenUnderTheSameServiceAndVersion() {
    SpecSharing sharing = new SpecSharing();
    sharing.share(read("t1", "s1", 3, WEB));
    Task other = read("t2", "s1", 3, WEB.replace("busybox", "nginx"));

    assertThat(sharing.share(other).spec()).isSameAs(other.spec());
    assertThat(sharing.share(other).spec().image()).isEqualTo("nginx");
  }

  @Test
  void equalSpecsOfAnotherVersionOrServiceAreNotShared() {
    SpecSharing sharing = new SpecSharing();
    Task first = sharing.share(read("t1", "s1", 3, WEB));
    Task newer = read("t2", "s1", 4, WEB);
    Task elsewhere = read("t3", "s2", 3, WEB);

    assertThat(sharing.share(newer).spec()).isSameAs(newer.spec()).isNotSameAs(first.spec());
    assertThat(sharing.share(elsewhere).spec()).isSameAs(elsewhere.spec()).isNotSameAs(first.spec());
  }

  @Test
  void tasksWithoutSpecOrServicePassAsTheyAre() {
    SpecSharing sharing = new SpecSharing();
    Task noSpec = read("t1", "s1", 3, WEB).withSpec(null);
    Task noService = new Task("t2", null, "web", 1, "n1", 3, read("t9", "s1", 3, WEB).spec(), DesiredState.RUNNING,
        null, 4, 5);

    assertThat(sharing.share(noSpec)).isSameAs(noSpec);
    assertThat(sharing.share(noService)).isSameAs(noService);
    assertThat(sharing.share((Task) null)).isNull();
    assertThat(sharing.size()).isZero();
  }

  @Test
  void whatItKeepsStaysWithinItsBoundPastManyServiceVersions() {
    SpecSharing sharing = new SpecSharing();
    ServiceSpec spec = read("t0", "s0", 0, WEB).spec();
    for (int v = 0; v <= SpecSharing.MAX; v++) {
      sharing.share(new Task("t" + v, "s1", "web", 1, "n1", v, spec, DesiredState.RUNNING, null, 4, 5));
    }

    assertThat(sharing.size()).isLessThanOrEqualTo(SpecSharing.MAX).isPositive();
  }

  @Test
  void anOfferedSpecIsTheOneEqualSpecsOfItsVersionAreGivenAndAnOfferDoesNotReplaceOneKnown() {
    SpecSharing sharing = new SpecSharing();
    ServiceSpec current = read("t0", "s1", 3, WEB).spec();
    sharing.offer("s1", 3, current);
    sharing.offer("s1", 3, read("t9", "s1", 3, WEB).spec());

    Task loaded = read("t1", "s1", 3, WEB);
    assertThat(sharing.share(loaded).spec()).isSameAs(current);
    Task differing = read("t2", "s1", 3, WEB.replace("busybox", "nginx"));
    assertThat(sharing.share(differing).spec()).isSameAs(differing.spec());
  }
}
