package dev.shoal.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The heartbeat pre-verifier's pace: within {@code ahead} records of liveness, never behind it. */
class PreVerifierPaceTest {
  private static final long UNKNOWN = PreVerifierPace.UNKNOWN;
  private final PreVerifierPace pace = new PreVerifierPace(10_000);

  @Test
  void waitsUntilLivenessHasReadSomethingHereWhereverItIs() {
    assertThat(pace.next(UNKNOWN, UNKNOWN)).isEqualTo(new PreVerifierPace.Wait());
    assertThat(pace.next(500, UNKNOWN)).isEqualTo(new PreVerifierPace.Wait());
  }

  @Test
  void takesUpTheLogWhereLivenessReadsNotAtItsEnd() {
    assertThat(pace.next(UNKNOWN, 1_234)).isEqualTo(new PreVerifierPace.SeekTo(1_234));
  }

  @Test
  void behindLivenessItJumpsToLiveness() {
    assertThat(pace.next(100, 60_000)).isEqualTo(new PreVerifierPace.SeekTo(60_000));
    assertThat(pace.next(59_999, 60_000)).isEqualTo(new PreVerifierPace.SeekTo(60_000));
  }

  @Test
  void readsUpToAheadRecordsPastLiveness() {
    assertThat(pace.next(60_000, 60_000)).isEqualTo(new PreVerifierPace.Read(70_000));
    assertThat(pace.next(65_000, 60_000)).isEqualTo(new PreVerifierPace.Read(70_000));
    assertThat(pace.next(69_999, 60_000)).isEqualTo(new PreVerifierPace.Read(70_000));
  }

  @Test
  void farEnoughAheadItWaitsAndDoesNotGoBack() {
    assertThat(pace.next(70_000, 60_000)).isEqualTo(new PreVerifierPace.Wait());
    assertThat(pace.next(200_000, 60_000)).as("checks made ahead are remembered; reading them again would use them up")
        .isEqualTo(new PreVerifierPace.Wait());
  }

  @Test
  void aFetchedRecordIsCheckedOnlyIfLivenessHasNotReadItSince() {
    assertThat(PreVerifierPace.unread(99, 100)).isFalse();
    assertThat(PreVerifierPace.unread(100, 100)).isTrue();
    assertThat(PreVerifierPace.unread(150, 100)).isTrue();
    assertThat(PreVerifierPace.unread(150, UNKNOWN)).isFalse();
  }

  @Test
  void atLeastOneRecordAhead() {
    assertThatThrownBy(() -> new PreVerifierPace(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new PreVerifierPace(1).next(5, 5)).isEqualTo(new PreVerifierPace.Read(6));
  }
}
