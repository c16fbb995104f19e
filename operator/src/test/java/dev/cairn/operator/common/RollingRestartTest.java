package dev.cairn.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.operator.common.RollingRestart.Step;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RollingRestartTest {
  static PodView pod(int ordinal, boolean ready, String hash) {
    return new PodView("c-" + ordinal, ordinal, ready, hash, "img:1", false, null);
  }

  @Test
  void nothingToDoWhenEveryPodRunsTheCurrentConfig() {
    Step step =
        RollingRestart.next(
            List.of(pod(0, true, "h"), pod(1, false, "h")), 2, "h", "img:1", null, null);
    assertThat(step.kind()).isEqualTo(Step.Kind.IDLE);
  }

  @Test
  void restartsHighestOrdinalFirstAndTheLeaderLast() {
    List<PodView> pods =
        new ArrayList<>(List.of(pod(0, true, "old"), pod(1, true, "old"), pod(2, true, "old")));
    List<String> order = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Step step = RollingRestart.next(pods, 3, "new", "img:1", "c-2", null);
      assertThat(step.kind()).isEqualTo(Step.Kind.DELETE);
      order.add(step.pod());
      int ordinal = Integer.parseInt(step.pod().substring(2));
      pods.set(ordinal, pod(ordinal, true, "new"));
    }
    assertThat(order).containsExactly("c-1", "c-0", "c-2");
  }

  @Test
  void waitsForTheRestartedPodToBeReadyBeforeTheNext() {
    Step step =
        RollingRestart.next(
            List.of(pod(0, true, "old"), pod(1, false, "new")), 2, "new", "img:1", null, null);
    assertThat(step.kind()).isEqualTo(Step.Kind.WAIT);
    assertThat(step.pod()).isEqualTo("c-1");
    assertThat(step.message()).contains("c-1").contains("ready");
  }

  @Test
  void waitsWhileAPodIsMissingOrTerminating() {
    assertThat(
            RollingRestart.next(List.of(pod(0, true, "old")), 2, "new", "img:1", null, null).kind())
        .isEqualTo(Step.Kind.WAIT);
    PodView stopping = new PodView("c-1", 1, true, "old", "img:1", true, null);
    assertThat(
            RollingRestart.next(
                    List.of(pod(0, true, "old"), stopping), 2, "new", "img:1", null, null)
                .kind())
        .isEqualTo(Step.Kind.WAIT);
  }

  @Test
  void anImageChangeAloneRestartsPods() {
    Step step = RollingRestart.next(List.of(pod(0, true, "h")), 1, "h", "img:2", null, null);
    assertThat(step.kind()).isEqualTo(Step.Kind.DELETE);
    assertThat(step.pod()).isEqualTo("c-0");
  }

  @Test
  void waitsWhileTheEnginesForbidARestartEvenWithEveryPodReady() {
    List<PodView> pods = List.of(pod(0, true, "old"), pod(1, true, "old"), pod(2, true, "old"));
    Step step = RollingRestart.next(pods, 3, "new", "img:1", "c-0", "1 of 2 followers in sync");
    assertThat(step.kind()).isEqualTo(Step.Kind.WAIT);
    assertThat(step.message()).contains("1 of 2 followers in sync").contains("3 of 3");
    assertThat(RollingRestart.next(pods, 3, "new", "img:1", "c-0", null).kind())
        .isEqualTo(Step.Kind.DELETE);
  }
}
