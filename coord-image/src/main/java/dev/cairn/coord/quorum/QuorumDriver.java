package dev.cairn.coord.quorum;

import dev.cairn.common.io.FileStorage;
import dev.cairn.common.io.FsyncThread;
import dev.cairn.common.time.Clock;
import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.zookeeper.data.Id;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link QuorumPeer} in a real server: one thread ("coord-quorum") owns the peer and takes
 * everything that happens to it from a queue — messages from the election and quorum ports, ticks,
 * client requests, broken connections — so the peer stays a single-threaded state machine exactly
 * as the simulator drives it; only the log's fsyncs run on a second thread ("coord-quorum-fsync",
 * {@link FsyncThread}), whose completions come back through the same queue, so the peer takes acks,
 * commits and requests while the disk works. Election notifications travel on the election port in
 * ZooKeeper's format ({@link ElectionNetwork}), so Cairn and Apache ZooKeeper servers elect
 * together; everything else on the quorum port, as in ZooKeeper.
 *
 * <p>When the peer stops following a leader, or stops leading, the quorum connections concerned are
 * reset, so nothing still buffered on them from the old relationship reaches the new one.
 */
public final class QuorumDriver implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QuorumDriver.class);
  static final long TICK_MILLIS = 50;

  /** Events taken in one group commit: bounds how long the first one waits for its fsync. */
  private static final int MAX_BATCH = 1000;

  private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final FileStorage storage;
  private final ElectionNetwork election;
  private final PeerNetwork quorum;
  private final QuorumPeer peer;
  private final Thread thread;
  private final FsyncThread fsyncThread;
  private final ScheduledExecutorService ticker;
  private volatile boolean stopped;
  private Quorums addressed;

  /**
   * Starts the peer on its thread; {@code onDeath} hears of an exception that ends the thread (the
   * peer's state is then unknown: the server must stop).
   */
  public QuorumDriver(
      QuorumConfig config,
      Path dataDir,
      QuorumPeer.Listener listener,
      SnapshotTransfer snapshots,
      Thread.UncaughtExceptionHandler onDeath)
      throws IOException {
    this.storage = new FileStorage(dataDir);
    Map<Integer, InetSocketAddress> electionAddresses = new HashMap<>();
    Map<Integer, InetSocketAddress> quorumAddresses = new HashMap<>();
    config
        .initial()
        .servers()
        .forEach((id, spec) -> {
          electionAddresses.put(id, spec.electionAddress());
          quorumAddresses.put(id, spec.quorumAddress());
        });
    this.election =
        new ElectionNetwork(
            config.myId(),
            electionAddresses,
            (from, notification) -> events.add(() -> peer().receive(from, notification)));
    this.quorum =
        new PeerNetwork("quorum", config.myId(), quorumAddresses, snapshots, linkEvents());
    this.thread = new Thread(this::run, "coord-quorum");
    thread.setDaemon(true);
    thread.setUncaughtExceptionHandler(onDeath);
    this.fsyncThread = new FsyncThread("coord-quorum-fsync", events::add, onDeath);
    this.peer =
        new QuorumPeer(
            config,
            Clock.system(),
            (to, message) -> {
              if (message instanceof Notification n) {
                election.send(to, n);
              } else {
                quorum.send(to, message);
              }
            },
            storage,
            fsyncThread,
            listener);
    learnAddresses();
    thread.start();
    ticker =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "coord-quorum-tick");
          t.setDaemon(true);
          return t;
        });
    ticker.scheduleAtFixedRate(
        () -> events.add(peer::tick), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * What happens on quorum connections, taken in on the quorum thread: a message counts only if its
   * connection is still the one the peer uses, and the loss of that connection (or its replacement
   * by a learner's new one) ends a leader-learner relationship.
   */
  private PeerNetwork.Handler linkEvents() {
    return new PeerNetwork.Handler() {
      @Override
      public void received(PeerNetwork.Link link, QuorumMessage message) {
        events.add(() -> {
          if (quorum().current(link, () -> peer().disconnected(link.peer))) {
            peer().receive(link.peer, message);
          }
        });
      }

      @Override
      public void broken(PeerNetwork.Link link) {
        events.add(() -> {
          if (quorum().retire(link)) {
            peer().disconnected(link.peer);
          }
        });
      }
    };
  }

  private QuorumPeer peer() {
    return peer;
  }

  private PeerNetwork quorum() {
    return quorum;
  }

  /**
   * Hands a client's write request to the leader (see {@link QuorumPeer#submit}); {@code refused}
   * runs on the quorum thread if this server is not serving.
   */
  public void submit(byte[] request, List<Id> auth, Runnable refused) {
    events.add(() -> {
      if (!peer.submit(request, auth)) {
        refused.run();
      }
    });
  }

  /** Runs {@code action} with the peer, on the quorum thread. */
  public void execute(Consumer<QuorumPeer> action) {
    events.add(() -> action.accept(peer));
  }

  private void run() {
    List<Runnable> batch = new ArrayList<>();
    while (!stopped) {
      try {
        batch.add(events.take());
      } catch (InterruptedException e) {
        return;
      }
      events.drainTo(batch, MAX_BATCH - 1);
      peer.batch(() -> {
        for (Runnable event : batch) {
          ServerState before = peer.state();
          long leaderBefore = peer.leaderId();
          event.run();
          resetAbandoned(before, leaderBefore);
          learnAddresses();
        }
      });
      batch.clear();
    }
  }

  /** The networks learn the addresses of the servers the configurations name, when they change. */
  private void learnAddresses() {
    Quorums now = peer.quorums();
    if (now.equals(addressed)) {
      return;
    }
    addressed = now;
    Map<Integer, InetSocketAddress> electionAddresses = new HashMap<>();
    Map<Integer, InetSocketAddress> quorumAddresses = new HashMap<>();
    for (Membership m :
        now.next() == null ? List.of(now.committed()) : List.of(now.committed(), now.next())) {
      m.servers()
          .forEach((id, spec) -> {
            electionAddresses.put(id, spec.electionAddress());
            quorumAddresses.put(id, spec.quorumAddress());
          });
    }
    election.learn(electionAddresses);
    quorum.learn(quorumAddresses);
  }

  private void resetAbandoned(ServerState before, long leaderBefore) {
    ServerState after = peer.state();
    if (before == ServerState.LEADING && after != ServerState.LEADING) {
      for (int id : peerIds()) {
        quorum.reset(id);
      }
    } else if ((before == ServerState.FOLLOWING || before == ServerState.OBSERVING)
        && (after != before || peer.leaderId() != leaderBefore)) {
      quorum.reset((int) leaderBefore);
    }
  }

  private Iterable<Integer> peerIds() {
    return quorum.peers();
  }

  /** The peer's state for four-letter words and metrics; read off the quorum thread. */
  public QuorumPeer peerForReading() {
    return peer;
  }

  /**
   * Stops after the event in progress: never by interrupting the thread, whose file channels an
   * interrupt would close mid-write.
   */
  @Override
  public void close() {
    stopped = true;
    ticker.shutdownNow();
    events.add(() -> {});
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    fsyncThread.close();
    election.close();
    quorum.close();
    storage.close();
    log.info("server {}: quorum stopped", peer.config.myId());
  }
}
