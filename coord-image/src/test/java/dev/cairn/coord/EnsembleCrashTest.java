package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.AcknowledgedWrites;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-server ensemble of real processes: the leader is killed with kill -9 under write load from
 * several clients; a new leader takes over, clients keep their sessions, and every create that was
 * acknowledged is there afterwards — on the survivors and on the killed server once it is back.
 */
class EnsembleCrashTest {
  @TempDir Path dir;
  private ProcessEnsemble ensemble;
  private final List<ZooKeeper> clients = new ArrayList<>();

  @BeforeEach
  void create() {
    ensemble = new ProcessEnsemble(dir);
  }

  @AfterEach
  void stop() throws Exception {
    ensemble.close();
  }

  private void writeConfigs(int size) throws IOException {
    List<Integer> ids = IntStream.rangeClosed(1, size).boxed().toList();
    ids.forEach(ensemble::allocate);
    for (int id : ids) {
      ensemble.writeConfig(id, ensemble.serverLines(ids));
    }
  }

  private void start(int id) throws IOException {
    ensemble.start(id);
  }

  private int awaitLeader(Set<Integer> ids, long timeoutMillis) throws InterruptedException {
    return ensemble.awaitLeader(ids, timeoutMillis);
  }

  private ZooKeeper connect(String connectString) throws Exception {
    ZooKeeper zk = ensemble.connect(connectString);
    clients.add(zk);
    return zk;
  }

  private String connectString(Set<Integer> ids) {
    return ensemble.connectString(ids);
  }

  @Test
  void killingTheLeaderUnderLoadLosesNoAcknowledgedCreate() throws Exception {
    writeConfigs(3);
    for (int id = 1; id <= 3; id++) {
      start(id);
    }
    int leader = awaitLeader(Set.of(1, 2, 3), 30_000);
    Set<Integer> others = new HashSet<>(Set.of(1, 2, 3));
    others.remove(leader);

    List<Long> sessions = new ArrayList<>();
    List<ZooKeeper> writerClients = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      ZooKeeper zk = connect(connectString(Set.of(1, 2, 3)));
      sessions.add(zk.getSessionId());
      writerClients.add(zk);
    }
    CreateLoad load = new CreateLoad(writerClients);
    AcknowledgedWrites<String> acked = load.acked();
    Thread.sleep(1_500);
    int before = acked.count();
    ensemble.kill(leader);
    long killed = System.nanoTime();
    int newLeader = awaitLeader(others, 30_000);
    long electedMillis = (System.nanoTime() - killed) / 1_000_000;
    Thread.sleep(1_500);
    load.close();
    assertThat(acked.count()).isGreaterThan(before);
    for (int w = 0; w < 4; w++) {
      assertThat(clients.get(w).getSessionId()).isEqualTo(sessions.get(w));
    }

    ZooKeeper reader = connect(connectString(Set.of(newLeader)));
    assertThat(acked.missingFrom(children(reader))).isEmpty();

    start(leader);
    assertThat(awaitLeader(Set.of(1, 2, 3), 30_000)).isEqualTo(newLeader);
    ZooKeeper back = connect(connectString(Set.of(leader)));
    back.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(acked.missingFrom(children(back))).isEmpty();
    System.out.printf(
        "%d creates acknowledged, none lost; new leader %d elected %d ms after kill -9 of %d%n",
        acked.count(), newLeader, electedMillis, leader);
  }

  private static List<String> children(ZooKeeper zk) throws Exception {
    return zk.getChildren("/", false).stream().map(c -> "/" + c).toList();
  }
}
