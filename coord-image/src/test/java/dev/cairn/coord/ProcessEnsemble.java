package dev.cairn.coord;

import dev.cairn.common.testkit.FreePorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;

/**
 * Coordinator processes (the server's own main, one JVM each) on loopback ports of their own, as
 * tests of an ensemble under kill -9 need them: each server has a zoo.cfg in the test's directory
 * ({@code zoo<N>.cfg}), a dataDir {@code s<N>} with its myid, and a log {@code server<N>.log}.
 */
final class ProcessEnsemble implements AutoCloseable {
  private final Path dir;
  private final List<String> jvmOptions;
  private final Map<Integer, Process> processes = new TreeMap<>();
  private final Map<Integer, Integer> clientPorts = new TreeMap<>();
  private final Map<Integer, Integer> electionPorts = new TreeMap<>();
  private final Map<Integer, String> specs = new TreeMap<>();
  private final List<ZooKeeper> clients = new ArrayList<>();

  /** JVM options that make both kinds of server log their quorum roles and syncs. */
  static final String[] LOG_QUORUM = {
    "-Dorg.slf4j.simpleLogger.log.dev.cairn.coord.quorum=info",
    "-Dorg.slf4j.simpleLogger.log.org.apache.zookeeper.server.quorum=info",
    // Wall-clock times let a failure's logs of several processes be read as one timeline.
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
  };

  ProcessEnsemble(Path dir, String... jvmOptions) {
    this.dir = dir;
    this.jvmOptions = List.of(jvmOptions);
  }

  /** Picks ports for server {@code id}; its spec is {@code 127.0.0.1:quorum:election;client}. */
  String allocate(int id) {
    clientPorts.put(id, FreePorts.next());
    int quorumPort = FreePorts.next();
    electionPorts.put(id, FreePorts.next());
    specs.put(
        id,
        "127.0.0.1:"
            + quorumPort
            + ":"
            + electionPorts.get(id)
            + ";127.0.0.1:"
            + clientPorts.get(id));
    return specs.get(id);
  }

  /**
   * Ports for each of {@code ids}, and the same server lines (and {@code extra}) in every zoo.cfg.
   */
  void configure(List<Integer> ids, String... extra) throws IOException {
    ids.forEach(this::allocate);
    List<String> lines = serverLines(ids);
    for (int id : ids) {
      writeConfig(id, lines, extra);
    }
  }

  /**
   * Starts {@code first}, waits for its election port (so the first election includes it), then the
   * others; those in {@code zooKeeper} as Apache ZooKeeper, the rest as Cairn.
   */
  void startMixed(int first, List<Integer> others, Set<Integer> zooKeeper) throws Exception {
    startAs(first, zooKeeper);
    awaitElectionPort(first, 60_000);
    for (int id : others) {
      startAs(id, zooKeeper);
    }
  }

  void startAs(int id, Set<Integer> zooKeeper) throws IOException {
    if (zooKeeper.contains(id)) {
      startZooKeeper(id);
    } else {
      start(id);
    }
  }

  /** {@code server.N=spec} for each of {@code ids}. */
  List<String> serverLines(Collection<Integer> ids) {
    return ids.stream().map(id -> "server." + id + "=" + specs.get(id)).toList();
  }

  Path configFile(int id) {
    return dir.resolve("zoo" + id + ".cfg");
  }

  /** Writes server {@code id}'s zoo.cfg: these server lines, its dataDir and client port. */
  void writeConfig(int id, List<String> serverLines, String... extra) throws IOException {
    Path data = dir.resolve("s" + id);
    Files.createDirectories(data);
    Files.writeString(data.resolve("myid"), id + "\n");
    List<String> lines = new ArrayList<>(serverLines);
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
            "syncLimit=5"));
    lines.addAll(List.of(extra));
    Files.writeString(configFile(id), String.join("\n", lines) + "\n");
  }

  void start(int id) throws IOException {
    start(id, Main.class.getName());
  }

  /**
   * Starts server {@code id} as Apache ZooKeeper ({@code QuorumPeerMain} of the jar the client
   * comes from) on the same zoo.cfg: a mixed ensemble.
   */
  void startZooKeeper(int id) throws IOException {
    start(id, "org.apache.zookeeper.server.quorum.QuorumPeerMain");
  }

  private void start(int id, String mainClass) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-cp", System.getProperty("java.class.path"), mainClass, configFile(id).toString()));
    processes.put(
        id,
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("server" + id + ".log").toFile()))
            .start());
  }

  /** kill -9. */
  void kill(int id) throws InterruptedException {
    processes.get(id).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  int clientPort(int id) {
    return clientPorts.get(id);
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

  /** What server {@code id} answers a four-letter word with ("" if it does not answer). */
  String fourLetterWord(int id, String word) {
    return fourLetters(clientPorts.get(id), word);
  }

  /** The server's {@code srvr} mode: leader, follower, observer, or "not serving". */
  String mode(int id) {
    String srvr = fourLetterWord(id, "srvr");
    for (String line : srvr.split("\n")) {
      if (line.startsWith("Mode: ")) {
        return line.substring(6);
      }
    }
    return "not serving";
  }

  /** Waits until {@code ids} serve with exactly one leader among them; returns it. */
  int awaitLeader(Set<Integer> ids, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    Map<Integer, String> modes = new TreeMap<>();
    while (System.nanoTime() < deadline) {
      modes.clear();
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
    StringBuilder logs = new StringBuilder();
    for (int id : ids) {
      if (!modes.get(id).equals("leader") && !modes.get(id).equals("follower")) {
        logs.append("\n--- server ").append(id).append(" log (tail) ---\n").append(logTail(id));
      }
    }
    throw new AssertionError(
        "no single leader among " + ids + " within " + timeoutMillis + " ms: " + modes + logs);
  }

  /** Waits until server {@code id} accepts connections on its election port. */
  void awaitElectionPort(int id, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", electionPorts.get(id))) {
        return;
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError(
        "server "
            + id
            + " opened no election port within "
            + timeoutMillis
            + " ms:\n"
            + logTail(id));
  }

  /** Waits until server {@code id}'s log has a line containing {@code text}. */
  void awaitLog(int id, String text, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (logContains(id, text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "server "
            + id
            + " logged no '"
            + text
            + "' within "
            + timeoutMillis
            + " ms; its log (tail):\n"
            + logTail(id));
  }

  /** Waits until the log of one of {@code ids} has a line containing {@code text}. */
  void awaitLogOfAny(Set<Integer> ids, String text, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (ids.stream().anyMatch(id -> logContains(id, text))) {
        return;
      }
      Thread.sleep(50);
    }
    StringBuilder logs = new StringBuilder();
    ids.forEach(id -> logs.append("\n--- server ").append(id).append(" ---\n").append(logTail(id)));
    throw new AssertionError(
        "no server of " + ids + " logged '" + text + "' within " + timeoutMillis + " ms" + logs);
  }

  private boolean logContains(int id, String text) {
    try {
      return Files.readString(dir.resolve("server" + id + ".log")).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  /** The last lines of server {@code id}'s log, for a failure message a CI run keeps. */
  String logTail(int id) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("server" + id + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A client connected to {@code connectString}, closed with the ensemble. */
  ZooKeeper connect(String connectString) throws Exception {
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
    clients.add(zk);
    if (!connected.await(20, TimeUnit.SECONDS)) {
      throw new AssertionError(
          "no session with " + connectString + " within 20 s" + evidence(serversOf(connectString)));
    }
    return zk;
  }

  /** The servers whose client ports {@code connectString} names. */
  private List<Integer> serversOf(String connectString) {
    List<String> addresses = List.of(connectString.split(","));
    return clientPorts.keySet().stream()
        .filter(id -> addresses.contains("127.0.0.1:" + clientPorts.get(id)))
        .toList();
  }

  /**
   * What a failure message needs to explain itself: the mode of every server started, and the log
   * tail of each of {@code ids}.
   */
  String evidence(Collection<Integer> ids) {
    Map<Integer, String> modes = new TreeMap<>();
    processes.forEach((id, p) -> modes.put(id, p.isAlive() ? mode(id) : "dead"));
    StringBuilder out = new StringBuilder(": modes now ").append(modes);
    for (int id : ids) {
      out.append("\n--- server ").append(id).append(" log (tail) ---\n").append(logTail(id));
    }
    return out.toString();
  }

  /** A client to close with the ensemble. */
  <T extends ZooKeeper> T closeLater(T zk) {
    clients.add(zk);
    return zk;
  }

  String connectString(Collection<Integer> ids) {
    return ids.stream()
        .map(id -> "127.0.0.1:" + clientPorts.get(id))
        .collect(Collectors.joining(","));
  }

  @Override
  public void close() throws Exception {
    for (ZooKeeper zk : clients) {
      zk.close(500);
    }
    for (Process p : processes.values()) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
