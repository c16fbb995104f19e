package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Ack;
import dev.cairn.coord.quorum.QuorumMessage.AckEpoch;
import dev.cairn.coord.quorum.QuorumMessage.FollowerInfo;
import dev.cairn.coord.quorum.QuorumMessage.PingReply;
import dev.cairn.coord.quorum.QuorumMessage.Request;
import dev.cairn.coord.quorum.QuorumMessage.Revalidate;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.zookeeper.server.quorum.QuorumPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum port as ZooKeeper uses it: a learner opens one connection to its leader's port and
 * both directions of their Zab travel on it ({@link ZabWire}), starting with the learner's
 * FOLLOWERINFO or OBSERVERINFO naming it. Every server listens (a server may come to lead at any
 * election); a learner registering with a server that has not finished its election waits on its
 * connection, as the peer keeps the registration until it leads.
 *
 * <p>Each connection is a {@link Link}. Everything the {@link Handler} hears of one names the link,
 * and the owner of the peer (one thread) asks {@link #current} before acting on it, so nothing from
 * a connection it already gave up reaches the peer. A link that breaks is reported once; one the
 * owner closed ({@link #reset}, a new registration) is not.
 */
final class PeerNetwork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);
  static final int MAX_FRAME = 1 << 30;
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
  private static final long RECONNECT_MILLIS = 100;

  /** Where the network reports, from its threads. */
  interface Handler {
    void received(Link link, QuorumMessage message);

    /** The connection broke, or could not be made. */
    void broken(Link link);
  }

  private final String name;
  private final int myId;
  private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final Handler handler;
  private final SnapshotTransfer snapshots;
  private final ServerSocket server;

  /** Connections learners opened to this server, by learner id (this server leads them). */
  private final Map<Integer, Link> learners = new ConcurrentHashMap<>();

  /** The connection this server opened to its leader, by leader id. */
  private final Map<Integer, Link> leaders = new ConcurrentHashMap<>();

  private volatile boolean closed;

  PeerNetwork(
      String name,
      int myId,
      Map<Integer, InetSocketAddress> addresses,
      SnapshotTransfer snapshots,
      Handler handler)
      throws IOException {
    this.name = name;
    this.myId = myId;
    this.addresses.putAll(addresses);
    this.handler = handler;
    this.snapshots = snapshots;
    InetSocketAddress mine = addresses.get(myId);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(mine.getHostString(), mine.getPort()));
    Thread acceptor = new Thread(this::accept, "coord-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("{} port listening on {}", name, server.getLocalSocketAddress());
  }

  /** Addresses of servers a configuration names (the peer's own stays as it is). */
  void learn(Map<Integer, InetSocketAddress> known) {
    known.forEach((id, address) -> {
      if (id != myId) {
        addresses.put(id, address);
      }
    });
  }

  /** Every other server this network has an address for. */
  Set<Integer> peers() {
    Set<Integer> ids = new TreeSet<>(addresses.keySet());
    ids.remove(myId);
    return ids;
  }

  /**
   * Sends on the connection the message belongs to: a learner's registration opens a new one to the
   * leader (replacing any earlier one), the learner's other messages go on it, and a leader's go on
   * the connection the learner opened. Without that connection the message is dropped.
   */
  void send(int to, QuorumMessage message) {
    Link link;
    if (message instanceof FollowerInfo) {
      InetSocketAddress address = addresses.get(to);
      if (address == null) {
        return;
      }
      link = new Link(to, null, null);
      Link previous = leaders.put(to, link);
      if (previous != null) {
        previous.close();
      }
      link.start();
    } else if (fromLearner(message)) {
      link = leaders.get(to);
    } else {
      link = learners.get(to);
    }
    if (link != null) {
      link.offer(message);
    }
  }

  private static boolean fromLearner(QuorumMessage message) {
    return message instanceof AckEpoch
        || message instanceof Ack
        || message instanceof PingReply
        || message instanceof Request
        || message instanceof Revalidate;
  }

  /**
   * Whether {@code link} is a connection the peer acts on. A learner's new connection becomes the
   * one for that learner here (an earlier one is closed and {@code replaced} runs, for the peer to
   * forget what came on it).
   */
  boolean current(Link link, Runnable replaced) {
    if (link.closed.get()) {
      return false;
    }
    if (link.accepted && !link.adopted) {
      link.adopted = true;
      Link previous = learners.put(link.peer, link);
      if (previous != null) {
        previous.close();
        replaced.run();
      }
      return true;
    }
    return (link.accepted ? learners : leaders).get(link.peer) == link;
  }

  /** A broken link is forgotten; true if it was a current one (the peer must hear of it). */
  boolean retire(Link link) {
    boolean wasCurrent = (link.accepted ? learners : leaders).remove(link.peer, link);
    link.close();
    return wasCurrent;
  }

  /** Drops the connections with {@code peer}, so nothing buffered on them arrives any more. */
  void reset(int peer) {
    Link learner = learners.remove(peer);
    if (learner != null) {
      learner.close();
    }
    Link leader = leaders.remove(peer);
    if (leader != null) {
      leader.close();
    }
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("{} port: accept failed: {}", name, e.toString());
        }
        continue;
      }
      Thread reader = new Thread(() -> register(socket), "coord-" + name + "-register");
      reader.setDaemon(true);
      reader.start();
    }
  }

  /** A learner's connection: its first packet says who it is. */
  private void register(Socket socket) {
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS * 5);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      BinaryInputArchive archive = new BinaryInputArchive(in, MAX_FRAME, 0);
      QuorumPacket first = new QuorumPacket();
      archive.readRecord(first, "packet");
      long[] sid = new long[1];
      FollowerInfo info = ZabWire.registration(first, sid);
      if (info == null || sid[0] == myId || sid[0] < 0 || sid[0] > Integer.MAX_VALUE) {
        log.warn(
            "{} port: a connection from {} is no learner (first packet type {}, server {})",
            name,
            socket.getRemoteSocketAddress(),
            first.getType(),
            sid[0]);
        socket.close();
        return;
      }
      socket.setSoTimeout(0);
      Link link = new Link((int) sid[0], socket, info);
      link.startAccepted(archive);
      handler.received(link, info);
    } catch (IOException e) {
      log.debug(
          "{} port: registration from {} failed: {}", name, socket.getRemoteSocketAddress(), e);
      closeQuietly(socket);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    learners.values().forEach(Link::close);
    leaders.values().forEach(Link::close);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing is best effort: the peer learns of it by the broken connection either way
    }
  }

  /**
   * One learner-leader connection: a writer thread (which, on the learner's side, first connects,
   * retrying until the link is closed) and a reader thread. Only the writer encodes and only the
   * reader decodes, each with its end's {@link ZabWire} state.
   */
  final class Link {
    final int peer;
    final boolean accepted;
    private volatile boolean adopted;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LinkedBlockingQueue<QuorumMessage> queue = new LinkedBlockingQueue<>();
    private final ZabWire.LeaderEnd leaderEnd;
    private final ZabWire.LearnerEnd learnerEnd;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Socket socket;
    private DataOutputStream output;

    private Link(int peer, Socket socket, FollowerInfo registration) {
      this.peer = peer;
      this.socket = socket;
      this.accepted = socket != null;
      this.leaderEnd = accepted ? new ZabWire.LeaderEnd(registration.observer(), snapshots) : null;
      this.learnerEnd = accepted ? null : new ZabWire.LearnerEnd(myId, snapshots);
    }

    private void start() {
      thread("send-" + peer, this::connectAndWrite);
    }

    private void startAccepted(BinaryInputArchive archive) throws IOException {
      BinaryOutputArchive out = archive(socket);
      thread("send-" + peer, () -> write(out));
      thread("read-" + peer, () -> read(archive));
    }

    private void thread(String what, Runnable body) {
      Thread t = new Thread(body, "coord-" + name + "-" + what);
      t.setDaemon(true);
      t.start();
    }

    void offer(QuorumMessage message) {
      if (!closed.get()) {
        queue.add(message);
      }
    }

    private void connectAndWrite() {
      while (!closed.get()) {
        try {
          socket = connect();
          break;
        } catch (IOException e) {
          // The leader may still be electing (ZooKeeper listens only once it leads): try again
          // until the learner gives up on it (initLimit) and closes this link.
          sleep(RECONNECT_MILLIS);
        }
      }
      if (closed.get()) {
        closeQuietly(socket == null ? () -> {} : socket);
        return;
      }
      try {
        BinaryOutputArchive out = archive(socket);
        BinaryInputArchive in =
            new BinaryInputArchive(
                new DataInputStream(new BufferedInputStream(socket.getInputStream())),
                MAX_FRAME,
                0);
        thread("read-" + peer, () -> read(in));
        write(out);
      } catch (IOException e) {
        fail(e);
      }
    }

    private Socket connect() throws IOException {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        // From the address we listen on, so a partition of our address (the fault harness) cuts
        // this connection too.
        if (!server.getInetAddress().isAnyLocalAddress()) {
          s.bind(new InetSocketAddress(server.getInetAddress(), 0));
        }
        // Resolved again on every attempt, as ZooKeeper does: a Kubernetes pod that restarts
        // comes back under the same name with a new IP.
        InetSocketAddress configured = addresses.get(peer);
        s.connect(
            new InetSocketAddress(configured.getHostString(), configured.getPort()),
            CONNECT_TIMEOUT_MILLIS);
        return s;
      } catch (IOException e) {
        closeQuietly(s);
        throw e;
      }
    }

    private BinaryOutputArchive archive(Socket s) throws IOException {
      output = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
      return new BinaryOutputArchive(output);
    }

    private void write(BinaryOutputArchive out) {
      while (!closed.get()) {
        try {
          QuorumMessage message = queue.poll(1, TimeUnit.SECONDS);
          if (message == null) {
            continue;
          }
          if (accepted) {
            leaderEnd.encode(message, myId, out);
          } else {
            learnerEnd.encode(message, out);
          }
          if (queue.isEmpty()) {
            output.flush();
          }
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          fail(e);
          return;
        }
      }
    }

    private void read(BinaryInputArchive in) {
      while (!closed.get()) {
        try {
          QuorumPacket packet = new QuorumPacket();
          in.readRecord(packet, "packet");
          if (accepted) {
            QuorumMessage message = leaderEnd.decode(packet);
            if (message != null) {
              handler.received(this, message);
            }
          } else {
            for (QuorumMessage message : learnerEnd.decode(packet, in)) {
              handler.received(this, message);
            }
          }
        } catch (IOException | RuntimeException e) {
          fail(e);
          return;
        }
      }
    }

    private void fail(Exception cause) {
      if (closed.get() || !reported.compareAndSet(false, true)) {
        return;
      }
      log.debug("{} port: connection with server {} broke: {}", name, peer, cause.toString());
      handler.broken(this);
    }

    void close() {
      if (closed.compareAndSet(false, true)) {
        Socket s = socket;
        if (s != null) {
          closeQuietly(s);
        }
        queue.clear();
      }
    }

    private void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
      }
    }
  }
}
