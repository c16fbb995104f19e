package dev.cairn.common.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.Linearizability.Verdict;
import dev.cairn.common.history.Register.Op;
import dev.cairn.common.history.Register.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  private final History<Op, Result> history = new History<>();

  private Linearizability.Result check() {
    return Linearizability.checkByKey(Register.MODEL, history.byKey(Op::key), 100_000);
  }

  @Test
  void concurrentOperationsMayTakeEffectInEitherOrder() {
    int w1 = history.invoke(1, Op.write("a", 1));
    int w2 = history.invoke(2, Op.write("a", 2));
    int r = history.invoke(3, Op.read("a"));
    history.ok(r, Result.read(1L));
    history.ok(w2, Result.OK);
    history.ok(w1, Result.OK);
    int r2 = history.invoke(3, Op.read("a"));
    history.ok(r2, Result.read(1L));
    assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aStaleReadAfterACompletedWriteIsNotLinearizable() {
    history.ok(history.invoke(1, Op.write("a", 1)), Result.OK);
    history.ok(history.invoke(1, Op.write("a", 2)), Result.OK);
    history.ok(history.invoke(2, Op.read("a")), Result.read(1L));
    Linearizability.Result result = check();
    assertThat(result.verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.explanation()).contains("key a").contains("read a");
  }

  @Test
  void compareAndSetMustAgreeWithTheValueItSaw() {
    history.ok(history.invoke(1, Op.write("a", 1)), Result.OK);
    history.ok(history.invoke(1, Op.cas("a", 1, 5)), Result.OK);
    history.ok(history.invoke(2, Op.cas("a", 1, 6)), Result.OK);
    assertThat(check().verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aWriteOfUnknownOutcomeMayHaveHappenedOrNot() {
    history.info(history.invoke(1, Op.write("a", 7)));
    history.ok(history.invoke(2, Op.read("a")), Result.read(null));
    history.ok(history.invoke(2, Op.read("a")), Result.read(7L));
    history.ok(history.invoke(2, Op.read("a")), Result.read(7L));
    assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);

    history.ok(history.invoke(2, Op.read("a")), Result.read(null));
    assertThat(check().verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void aFailedOperationDidNotHappen() {
    history.fail(history.invoke(1, Op.write("a", 7)));
    history.ok(history.invoke(2, Op.read("a")), Result.read(7L));
    assertThat(check().verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void keysAreIndependent() {
    history.ok(history.invoke(1, Op.write("a", 1)), Result.OK);
    history.ok(history.invoke(1, Op.write("b", 2)), Result.OK);
    history.ok(history.invoke(2, Op.read("a")), Result.read(1L));
    history.ok(history.invoke(2, Op.read("b")), Result.read(2L));
    assertThat(check().verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void aSearchThatRunsOutOfBudgetSaysSoInsteadOfGuessing() {
    for (int i = 0; i < 12; i++) {
      history.invoke(i, Op.write("a", i));
    }
    history.ok(history.invoke(99, Op.read("a")), Result.read(-1L));
    assertThat(Linearizability.check(Register.MODEL, history.operations(), 50).verdict())
        .isEqualTo(Verdict.UNKNOWN);
  }

  @Test
  void acknowledgedWritesMissingAfterwardsAreNamed() {
    AcknowledgedWrites<String> writes = new AcknowledgedWrites<>();
    writes.acknowledged("/a");
    writes.acknowledged("/b");
    writes.acknowledged("/c");
    assertThat(writes.missingFrom(List.of("/a", "/c", "/d"))).containsExactly("/b");
  }
}
