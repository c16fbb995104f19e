package dev.cairn.coord.quorum;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TCP between quorum peers, one listening port per peer (ZooKeeper's quorum or election port). Each
 * peer sends on its own outgoing connection to every other and reads what the others send on
 * theirs, so each direction is one FIFO stream. A connection that breaks is reported once to the
 * {@link Handler}; until the handler {@link #reconnect}s, what is sent to that peer is dropped, so
 * nothing sent after a break arrives before the peer hears of it. A new incoming connection from a
 * peer replaces the old one, which is reported broken first.
 *
 * <p>Frames: a 4-byte length, then the message ({@link QuorumCodec}). A connection starts with the
 * magic {@code CQR2}, the sender's id and the address it listens on, so a server this one has no
 * address for (one joining the ensemble) can be answered, as ZooKeeper's connection handshake
 * carries the sender's address.
 */
final class PeerNetwork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PeerNetwork.class);
  private static final int MAGIC = 0x43515232; // "CQR2"

  /** What a ZooKeeper learner's first packet starts with: its type (Leader.FOLLOWERINFO etc.). */
  private static final int ZOOKEEPER_FOLLOWERINFO = 11;

  private static final int ZOOKEEPER_OBSERVERINFO = 16;
  static final int MAX_FRAME = 1 << 30;
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  /** Where the network delivers, from its reader threads. */
  interface Handler {
    void received(int from, QuorumMessage message);

    /** A connection to or from {@code peer} broke (or could not be made). */
    void broken(int peer);
  }

  private final String name;
  private final int myId;
  private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final Handler handler;
  private final ServerSocket server;
  private final Map<Integer, Sender> senders = new ConcurrentHashMap<>();
  private final Map<Integer, Socket> incoming = new ConcurrentHashMap<>();
  private final Map<Long, Long> zooKeeperWarned = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PeerNetwork(String name, int myId, Map<Integer, InetSocketAddress> addresses, Handler handler)
      throws IOException {
    this.name = name;
    this.myId = myId;
    this.addresses.putAll(addresses);
    this.handler = handler;
    InetSocketAddress mine = addresses.get(myId);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(mine.getHostString(), mine.getPort()));
    Thread acceptor = new Thread(this::accept, "coord-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    for (int peer : addresses.keySet()) {
      if (peer != myId) {
        senders.put(peer, new Sender(peer));
      }
    }
    log.info("{} port listening on {}", name, server.getLocalSocketAddress());
  }

  /**
   * Addresses of servers a configuration names (the peer's own stays as it is): new ones are
   * connected to when there is something to send.
   */
  void learn(Map<Integer, InetSocketAddress> known) {
    known.forEach((id, address) -> {
      if (id != myId) {
        addresses.put(id, address);
      }
    });
  }

  /** Every other server this network has an address for. */
  java.util.Set<Integer> peers() {
    java.util.Set<Integer> ids = new java.util.TreeSet<>(addresses.keySet());
    ids.remove(myId);
    return ids;
  }

  void send(int to, QuorumMessage message) {
    Sender sender = senders.get(to);
    if (sender == null && to != myId && addresses.containsKey(to)) {
      sender = senders.computeIfAbsent(to, Sender::new);
    }
    if (sender != null) {
      sender.offer(QuorumCodec.encode(message));
    }
  }

  /** The handler has taken in that the connection to {@code peer} broke: sending may resume. */
  void reconnect(int peer) {
    Sender sender = senders.get(peer);
    if (sender != null) {
      sender.broken = false;
    }
  }

  /** Drops both connections with {@code peer}, so nothing buffered on them arrives any more. */
  void reset(int peer) {
    Sender sender = senders.get(peer);
    if (sender != null) {
      sender.fail();
    }
    Socket in = incoming.remove(peer);
    if (in != null) {
      closeQuietly(in);
      handler.broken(peer);
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
      Thread reader = new Thread(() -> read(socket), "coord-" + name + "-read");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private void read(Socket socket) {
    int from = -1;
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS * 5);
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      int magic = in.readInt();
      if (magic != MAGIC) {
        if (magic == ZOOKEEPER_FOLLOWERINFO || magic == ZOOKEEPER_OBSERVERINFO) {
          refuseZooKeeperLearner(socket, in, magic == ZOOKEEPER_OBSERVERINFO);
        } else {
          log.warn(
              "{} port: a connection from {} is not a Cairn peer",
              name,
              socket.getRemoteSocketAddress());
        }
        return;
      }
      from = in.readInt();
      String host = in.readUTF();
      int port = in.readUnsignedShort();
      if (from == myId) {
        log.warn(
            "{} port: a connection from {} claims this server's own id {}",
            name,
            socket.getRemoteSocketAddress(),
            from);
        return;
      }
      if (addresses.putIfAbsent(from, InetSocketAddress.createUnresolved(host, port)) == null) {
        log.info(
            "{} port: server {} (not in the configuration) connected from {}:{}",
            name,
            from,
            host,
            port);
      }
      socket.setSoTimeout(0);
      Socket previous = incoming.put(from, socket);
      if (previous != null) {
        closeQuietly(previous);
        handler.broken(from);
      }
      while (!closed) {
        int length = in.readInt();
        if (length <= 0 || length > MAX_FRAME) {
          throw new IOException("impossible frame length " + length);
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        handler.received(from, QuorumCodec.decode(frame));
      }
    } catch (IOException e) {
      if (from >= 0 && !closed && incoming.remove(from, socket)) {
        log.debug("{} port: connection from server {} ended: {}", name, from, e.toString());
        handler.broken(from);
      }
    }
  }

  /**
   * An Apache ZooKeeper server elected this one (the election port speaks ZooKeeper's protocol) and
   * registers as its learner with a {@code QuorumPacket} (type, zxid, LearnerInfo data). Leading
   * ZooKeeper learners is not built yet: say so plainly, naming the server, instead of the bare
   * "not a Cairn peer" an operator could not act on. The learner gives up and elects again.
   */
  private void refuseZooKeeperLearner(Socket socket, DataInputStream in, boolean observer)
      throws IOException {
    long zxid = in.readLong();
    int length = in.readInt();
    long sid = -1;
    if (length >= 8 && length <= 1024) {
      sid = in.readLong(); // LearnerInfo starts with the server id
    }
    long now = System.nanoTime();
    Long before = zooKeeperWarned.put(sid, now);
    if (before != null && now - before < TimeUnit.MINUTES.toNanos(1)) {
      return; // a refused ZooKeeper learner retries many times a second: say it once a minute
    }
    log.warn(
        "{} port: Apache ZooKeeper server {} ({}) asks to {} this server (its last zxid {}): a"
            + " Cairn leader cannot lead ZooKeeper servers yet; see docs/coordinator.md, mixed"
            + " ensembles",
        name,
        sid,
        socket.getRemoteSocketAddress(),
        observer ? "observe" : "follow",
        Zxid.hex(zxid));
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    senders.values().forEach(Sender::stop);
    incoming.values().forEach(PeerNetwork::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing is best effort: the peer learns of it by the broken connection either way
    }
  }

  /**
   * The outgoing connection to one peer. Only its own thread touches the socket's stream: a failure
   * reported from elsewhere ({@link #reset}) closes the socket and starts a new generation, and
   * frames queued in an older generation are dropped, never written on the next connection.
   */
  private final class Sender implements Runnable {
    private record Frame(long generation, byte[] bytes) {}

    private final int peer;
    private final LinkedBlockingQueue<Frame> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean broken;
    private volatile Socket socket;
    private DataOutputStream out;
    private long socketGeneration;

    Sender(int peer) {
      this.peer = peer;
      this.thread = new Thread(this, "coord-" + name + "-send-" + peer);
      thread.setDaemon(true);
      thread.start();
    }

    void offer(byte[] bytes) {
      long current = generation.get();
      if (!broken && !closed) {
        queue.add(new Frame(current, bytes));
      }
    }

    @Override
    public void run() {
      while (!closed) {
        Frame frame;
        try {
          frame = queue.poll(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (frame == null || frame.generation() != generation.get()) {
          continue; // nothing to send, or sent before the connection broke
        }
        try {
          if (socket != null && socketGeneration != frame.generation()) {
            closeQuietly(socket);
            socket = null;
          }
          if (socket == null) {
            connect();
            socketGeneration = frame.generation();
          }
          out.writeInt(frame.bytes().length);
          out.write(frame.bytes());
          if (queue.isEmpty()) {
            out.flush();
          }
        } catch (IOException e) {
          fail(frame.generation(), e);
        }
      }
    }

    private void connect() throws IOException {
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        // From the address we listen on, so a partition of our address (the fault harness) cuts
        // this connection too.
        if (!server.getInetAddress().isAnyLocalAddress()) {
          s.bind(new InetSocketAddress(server.getInetAddress(), 0));
        }
        // The name is resolved again on every attempt, as ZooKeeper does: a Kubernetes pod that
        // restarts comes back under the same name with a new IP, and a peer's name does not
        // resolve at all until its pod has one.
        InetSocketAddress configured = addresses.get(peer);
        s.connect(
            new InetSocketAddress(configured.getHostString(), configured.getPort()),
            CONNECT_TIMEOUT_MILLIS);
        DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        o.writeInt(MAGIC);
        o.writeInt(myId);
        InetSocketAddress mine = addresses.get(myId);
        o.writeUTF(mine.getHostString());
        o.writeShort(mine.getPort());
        socket = s;
        out = o;
      } catch (IOException e) {
        closeQuietly(s);
        throw e;
      }
    }

    /** Drops the connection now, from any thread; reported unless already reported. */
    void fail() {
      fail(generation.get(), null);
    }

    /**
     * The connection of {@code failedGeneration} broke: reported once, and only if no later
     * generation started meanwhile (its failure was then already reported).
     */
    private synchronized void fail(long failedGeneration, IOException cause) {
      if (broken || failedGeneration != generation.get()) {
        return;
      }
      broken = true;
      generation.incrementAndGet();
      queue.clear();
      Socket s = socket;
      if (s != null) {
        closeQuietly(s); // the sender thread's next write fails or sees the new generation
      }
      if (cause != null) {
        log.debug("{} port: connection to server {} broke: {}", name, peer, cause.toString());
      }
      handler.broken(peer);
    }

    void stop() {
      thread.interrupt();
      Socket s = socket;
      if (s != null) {
        closeQuietly(s);
      }
    }
  }
}
