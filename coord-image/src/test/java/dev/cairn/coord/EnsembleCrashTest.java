package dev.cairn.coord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.common.history.AcknowledgedWrites;
import dev.cairn.common.testkit.FreePorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-server ensemble of real processes: the leader is killed with kill -9 under write load from
 * several clients; a new leader takes over, clients keep their sessions, and every create that was
 * acknowledged is there afterwards — on the survivors and on the killed server once it is back.
 */
class EnsembleCrashTest {
  @TempDir Path dir;
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final Map<Integer, Integer> clientPorts = new TreeMap<>();
  private final List<ZooKeeper> clients = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (ZooKeeper zk : clients) {
      zk.close(500);
    }
    for (Process p : processes.values()) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void writeConfigs(int size) throws IOException {
    List<String> servers = new ArrayList<>();
    for (int id = 1; id <= size; id++) {
      servers.add("server." + id + "=127.0.0.1:" + FreePorts.next() + ":" + FreePorts.next());
      clientPorts.put(id, FreePorts.next());
    }
    for (int id = 1; id <= size; id++) {
      Path data = dir.resolve("s" + id);
      Files.createDirectories(data);
      Files.writeString(data.resolve("myid"), id + "\n");
      List<String> lines = new ArrayList<>(servers);
      lines.addAll(
          List.of(
              "dataDir=" + data,
              "clientPort=" + clientPorts.get(id),
              "clientPortAddress=127.0.0.1",
              "admin.enableServer=false",
              "4lw.commands.whitelist=ruok,srvr,mntr",
              "maxClientCnxns=0",
              "tickTime=2000",
              "initLimit=10",
              "syncLimit=5",
              ""));
      Files.writeString(dir.resolve("zoo" + id + ".cfg"), String.join("\n", lines));
    }
  }

  private void start(int id) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    processes.put(
        id,
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                dir.resolve("zoo" + id + ".cfg").toString())
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("server" + id + ".log").toFile()))
            .start());
  }

  private static String fourLetters(int port, String word) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2_000);
      s.getOutputStream().write(word.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  private String mode(int id) {
    String srvr = fourLetters(clientPorts.get(id), "srvr");
    for (String line : srvr.split("\n")) {
      if (line.startsWith("Mode: ")) {
        return line.substring(6);
      }
    }
    return "not serving";
  }

  /** Waits until {@code ids} serve with exactly one leader among them; returns it. */
  private int awaitLeader(Set<Integer> ids, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      Map<Integer, String> modes = new TreeMap<>();
      ids.forEach(id -> modes.put(id, mode(id)));
      if (modes.values().stream().filter("leader"::equals).count() == 1
          && modes.values().stream().allMatch(m -> m.equals("leader") || m.equals("follower"))) {
        return modes.entrySet().stream()
            .filter(e -> e.getValue().equals("leader"))
            .findFirst()
            .orElseThrow()
            .getKey();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no single leader among " + ids + " within " + timeoutMillis + " ms");
  }

  private ZooKeeper connect(String connectString) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk =
        new ZooKeeper(
            connectString,
            10_000,
            e -> {
              if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
              }
            });
    assertThat(connected.await(20, TimeUnit.SECONDS)).isTrue();
    clients.add(zk);
    return zk;
  }

  private String connectString(Set<Integer> ids) {
    return ids.stream()
        .map(id -> "127.0.0.1:" + clientPorts.get(id))
        .collect(Collectors.joining(","));
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

    AcknowledgedWrites<String> acked = new AcknowledgedWrites<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    List<Long> sessions = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      ZooKeeper zk = connect(connectString(Set.of(1, 2, 3)));
      sessions.add(zk.getSessionId());
      String prefix = "/w" + w + "-";
      Thread t =
          new Thread(() -> {
            while (running.get()) {
              try {
                acked.acknowledged(
                    zk.create(
                        prefix,
                        new byte[0],
                        ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT_SEQUENTIAL));
              } catch (KeeperException.ConnectionLossException e) {
                sleep(20); // outcome unknown: not counted, the client reconnects
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            }
          });
      t.start();
      writers.add(t);
    }
    Thread.sleep(1_500);
    int before = acked.count();
    processes.get(leader).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    long killed = System.nanoTime();
    int newLeader = awaitLeader(others, 30_000);
    long electedMillis = (System.nanoTime() - killed) / 1_000_000;
    Thread.sleep(1_500);
    running.set(false);
    for (Thread t : writers) {
      t.join(30_000);
    }
    assertThat(acked.count()).isGreaterThan(before);
    for (int w = 0; w < 4; w++) {
      assertThat(clients.get(w).getSessionId()).isEqualTo(sessions.get(w));
    }

    ZooKeeper reader = connect("127.0.0.1:" + clientPorts.get(newLeader));
    assertThat(acked.missingFrom(children(reader))).isEmpty();

    start(leader);
    assertThat(awaitLeader(Set.of(1, 2, 3), 30_000)).isEqualTo(newLeader);
    ZooKeeper back = connect("127.0.0.1:" + clientPorts.get(leader));
    back.sync("/", (rc, path, ctx) -> {}, null);
    assertThat(acked.missingFrom(children(back))).isEmpty();
    System.out.printf(
        "%d creates acknowledged, none lost; new leader %d elected %d ms after kill -9 of %d%n",
        acked.count(), newLeader, electedMillis, leader);
  }

  private static List<String> children(ZooKeeper zk) throws Exception {
    return zk.getChildren("/", false).stream().map(c -> "/" + c).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
