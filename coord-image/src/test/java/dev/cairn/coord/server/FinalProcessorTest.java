package dev.cairn.coord.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.session.SessionTracker;
import dev.cairn.coord.tree.DataTree;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.proto.GetDataRequest;
import org.apache.zookeeper.txn.DeleteTxn;
import org.apache.zookeeper.txn.TxnHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The final stage's failures: a read fails alone, a txn that throws ends the stage. */
class FinalProcessorTest {
  private final DataTree tree = new DataTree(1 << 20);
  private final List<Err> answered = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Throwable> died = new CompletableFuture<>();
  private final FinalProcessor stage =
      new FinalProcessor(
          tree,
          new SessionTracker(2000, 0, System::currentTimeMillis),
          (r, err) -> answered.add(err),
          (thread, e) -> died.complete(e));

  {
    stage.start(new PrepProcessor(tree, id -> true, 0, false, false, stage));
  }

  @AfterEach
  void stop() {
    stage.shutdown();
  }

  @Test
  void aReadThatThrowsIsAnsweredWithAnErrorAndTheStageGoesOn() throws Exception {
    // A getData whose body is of another type: the read throws a ClassCastException.
    stage.process(new Request(null, 1, 1, OpCode.GET_DATA, new DeleteTxn("/"), List.of()));
    stage.process(
        new Request(null, 1, 2, OpCode.GET_DATA, new GetDataRequest("/", false), List.of()));
    stage.shutdown();

    assertThat(answered).containsExactly(Err.MARSHALLINGERROR, Err.OK);
    assertThat(died).isNotDone();
  }

  @Test
  void aTxnThatThrowsEndsTheStage() throws Exception {
    // A setData txn carrying a delete record: applying it throws, the tree may be half changed.
    Request r = new Request(null, 1, 1, OpCode.SET_DATA, null, List.of());
    r.txnHeader = new TxnHeader(1, 1, 1, 0, OpCode.SET_DATA.code);
    r.txn = new DeleteTxn("/");
    stage.process(r);

    assertThat(died.get(5, TimeUnit.SECONDS)).isInstanceOf(ClassCastException.class);
    assertThat(answered).isEmpty();
  }
}
