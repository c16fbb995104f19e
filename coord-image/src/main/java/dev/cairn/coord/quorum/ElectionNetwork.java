package dev.cairn.coord.quorum;

import dev.cairn.coord.quorum.QuorumMessage.Notification;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The election port as Apache ZooKeeper's {@code QuorumCnxManager} runs it, so Cairn and ZooKeeper
 * servers elect together: one TCP connection per pair of servers, used both ways, and it is the one
 * the server with the larger id opened. A connection starts with the initiator's protocol version
 * ({@code -65536}, or {@code -65535} for a list of addresses), its id and its election address as
 * {@code host:port} (length-prefixed); a server that receives a connection from a smaller id closes
 * it and connects back, and a server with the smaller id closes its own connection right after the
 * handshake and waits to be called. Frames are a 4-byte length and a notification ({@link
 * ElectionWire}), at most 512 KiB as ZooKeeper allows.
 *
 * <p>Nothing hangs on a lost notification: elections resend their votes, so a message that finds no
 * connection within a second is dropped. But a new connection first carries the last notification
 * meant for that peer, as ZooKeeper's {@code SendWorker} does: a server that starts after this one
 * hears its vote at once, not a resend interval later when the others may have decided without it.
 */
final class ElectionNetwork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ElectionNetwork.class);
  static final long PROTOCOL_VERSION_V1 = -65536L;
  static final long PROTOCOL_VERSION_V2 = -65535L;

  /** ZooKeeper's {@code QuorumCnxManager.PACKETMAXSIZE}. */
  static final int MAX_FRAME = 512 * 1024;

  /** ZooKeeper's {@code QuorumCnxManager.maxBuffer}: the longest address list of a handshake. */
  private static final int MAX_ADDRESS_BYTES = 2048;

  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  /** Notifications waiting for one peer: elections resend, so the oldest go when it is slow. */
  private static final int MAX_QUEUED = 16;

  /** Where notifications arrive, from the reader threads. */
  interface Handler {
    void received(int from, Notification notification);
  }

  private final int myId;
  private final Map<Integer, InetSocketAddress> addresses = new ConcurrentHashMap<>();
  private final Handler handler;
  private final ServerSocket server;
  private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();
  private volatile boolean closed;

  ElectionNetwork(int myId, Map<Integer, InetSocketAddress> addresses, Handler handler)
      throws IOException {
    this.myId = myId;
    this.addresses.putAll(addresses);
    this.handler = handler;
    InetSocketAddress mine = addresses.get(myId);
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(mine.getHostString(), mine.getPort()));
    Thread acceptor = new Thread(this::accept, "coord-election-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    log.info("election port listening on {}", server.getLocalSocketAddress());
  }

  /** Addresses of the servers a configuration names (this server's own stays as it is). */
  void learn(Map<Integer, InetSocketAddress> known) {
    known.forEach((id, address) -> {
      if (id != myId) {
        addresses.put(id, address);
      }
    });
  }

  void send(int to, Notification notification) {
    if (to == myId || closed) {
      return;
    }
    Channel channel = channels.get(to);
    if (channel == null && addresses.containsKey(to)) {
      channel = channel(to);
    }
    if (channel != null) {
      channel.offer(ElectionWire.encode(notification));
    }
  }

  private Channel channel(int peer) {
    return channels.computeIfAbsent(peer, Channel::new);
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("election port: accept failed: {}", e.toString());
        }
        continue;
      }
      Thread t = new Thread(() -> handshake(socket), "coord-election-read");
      t.setDaemon(true);
      t.start();
    }
  }

  /** An incoming connection: kept if the caller's id is larger, else answered by calling back. */
  private void handshake(Socket socket) {
    int sid;
    DataInputStream in;
    try {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(CONNECT_TIMEOUT_MILLIS * 5);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      long first = in.readLong();
      InetSocketAddress theirs = null;
      long id;
      if (first >= 0) {
        id = first; // before 3.5 the id came alone
      } else if (first == PROTOCOL_VERSION_V1 || first == PROTOCOL_VERSION_V2) {
        id = in.readLong();
        int length = in.readInt();
        if (length <= 0 || length > MAX_ADDRESS_BYTES) {
          throw new IOException("address of " + length + " bytes in the handshake");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        theirs = firstAddress(new String(bytes, StandardCharsets.UTF_8));
      } else {
        log.warn(
            "election port: a connection from {} is no ZooKeeper or Cairn server (protocol {})",
            socket.getRemoteSocketAddress(),
            first);
        closeQuietly(socket);
        return;
      }
      if (id < 0 || id > 255) {
        // ZooKeeper's observers without an id (OBSERVER_ID) are not supported: zoo.cfg names all.
        log.warn(
            "election port: refused a connection from {} with server id {} (not in [0, 255])",
            socket.getRemoteSocketAddress(),
            id);
        closeQuietly(socket);
        return;
      }
      sid = (int) id;
      if (sid == myId) {
        log.warn(
            "election port: a connection from {} claims this server's own id {}",
            socket.getRemoteSocketAddress(),
            sid);
        closeQuietly(socket);
        return;
      }
      if (theirs != null && addresses.putIfAbsent(sid, theirs) == null) {
        log.info(
            "election port: server {} (not in the configuration) connected from {}", sid, theirs);
      }
    } catch (IOException e) {
      log.debug(
          "election port: handshake from {} failed: {}",
          socket.getRemoteSocketAddress(),
          e.toString());
      closeQuietly(socket);
      return;
    }
    if (sid < myId) {
      // The larger id keeps the connection it opened: call back.
      closeQuietly(socket);
      channel(sid).callBack();
      return;
    }
    Link link;
    try {
      socket.setSoTimeout(0);
      link =
          new Link(
              socket, in, new DataOutputStream(new BufferedOutputStream(socket.getOutputStream())));
    } catch (IOException e) {
      closeQuietly(socket);
      return;
    }
    Channel channel = channel(sid);
    channel.install(link);
    channel.read(link);
  }

  /** The first of ZooKeeper's {@code host:port|host:port...} list; IPv6 hosts in brackets. */
  private static InetSocketAddress firstAddress(String list) throws IOException {
    String first = list.split("\\|")[0].trim();
    int colon = first.lastIndexOf(':');
    if (colon <= 0) {
      throw new IOException("no host:port in the handshake's address '" + first + "'");
    }
    String host = first.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try {
      return InetSocketAddress.createUnresolved(host, Integer.parseInt(first.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IOException("bad port in the handshake's address '" + first + "'");
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    channels.values().forEach(Channel::stop);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort: the peer sees the connection end either way
    }
  }

  /** One connection: only the channel's sender thread writes, only one reader thread reads. */
  private record Link(Socket socket, DataInputStream in, DataOutputStream out) {
    void write(byte[] frame) throws IOException {
      out.writeInt(frame.length);
      out.write(frame);
      out.flush();
    }
  }

  /** Everything about one peer: its connection, the notifications waiting for it, its sender. */
  private final class Channel implements Runnable {
    /** Queued to make the sender connect with nothing new to say (a smaller id called). */
    private static final byte[] CONNECT = new byte[0];

    private final int peer;
    private final LinkedBlockingDeque<byte[]> queue = new LinkedBlockingDeque<>();
    private final Thread thread;
    private Link link;
    private boolean fresh;
    private byte[] last;

    Channel(int peer) {
      this.peer = peer;
      this.thread = new Thread(this, "coord-election-send-" + peer);
      thread.setDaemon(true);
      thread.start();
    }

    void offer(byte[] frame) {
      queue.addLast(frame);
      while (queue.size() > MAX_QUEUED) {
        queue.pollFirst();
      }
    }

    void callBack() {
      offer(CONNECT);
    }

    /** A new connection replaces the old one, which is closed (its reader then ends). */
    synchronized void install(Link next) {
      if (closed) {
        closeQuietly(next.socket());
        return;
      }
      if (link != null) {
        closeQuietly(link.socket());
      }
      link = next;
      fresh = true;
      notifyAll();
      callBack(); // wakes the sender, which repeats its last notification on the new connection
    }

    private synchronized void drop(Link broken) {
      closeQuietly(broken.socket());
      if (link == broken) {
        link = null;
      }
    }

    /** Reads notifications from {@code l} until it breaks; runs on the connection's own thread. */
    void read(Link l) {
      try {
        while (!closed) {
          int length = l.in().readInt();
          if (length <= 0 || length > MAX_FRAME) {
            throw new IOException("impossible frame length " + length);
          }
          byte[] frame = new byte[length];
          l.in().readFully(frame);
          Notification n;
          try {
            n = ElectionWire.decode(frame);
          } catch (IOException e) {
            // As ZooKeeper does: skip what cannot be read, keep the connection.
            log.warn(
                "election port: skipped a notification from server {}: {}", peer, e.getMessage());
            continue;
          }
          handler.received(peer, n);
        }
      } catch (IOException e) {
        log.debug("election port: connection with server {} ended: {}", peer, e.toString());
      } finally {
        drop(l);
      }
    }

    @Override
    public void run() {
      while (!closed) {
        byte[] frame;
        try {
          frame = queue.pollFirst(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (frame == null) {
          continue;
        }
        if (frame != CONNECT) {
          last = frame; // what a new connection carries first if this one finds none
        }
        Link l = connected();
        if (l == null) {
          continue; // dropped: the election sends its vote again
        }
        try {
          byte[] resend;
          synchronized (this) {
            resend = fresh && frame == CONNECT ? last : null;
            fresh = false;
          }
          if (resend != null) {
            l.write(resend);
          }
          if (frame != CONNECT) {
            l.write(frame);
          }
        } catch (IOException e) {
          log.debug("election port: sending to server {} failed: {}", peer, e.toString());
          drop(l);
        }
      }
    }

    /**
     * The connection to use, opened if needed: by this server if its id is the larger, else by
     * asking the peer to call (a connection this server closes after the handshake) and waiting.
     */
    private Link connected() {
      synchronized (this) {
        if (link != null) {
          return link;
        }
      }
      InetSocketAddress address = addresses.get(peer);
      if (address == null) {
        return null;
      }
      Socket s = new Socket();
      try {
        s.setTcpNoDelay(true);
        // From the address this server listens on, so a partition of that address (the fault
        // harness) cuts this connection too.
        if (!server.getInetAddress().isAnyLocalAddress()) {
          s.bind(new InetSocketAddress(server.getInetAddress(), 0));
        }
        // Resolved again on every attempt: a restarted pod comes back with a new IP.
        s.connect(
            new InetSocketAddress(address.getHostString(), address.getPort()),
            CONNECT_TIMEOUT_MILLIS);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
        InetSocketAddress mine = addresses.get(myId);
        String host = mine.getHostString();
        byte[] self =
            ((host.contains(":") ? "[" + host + "]" : host) + ":" + mine.getPort())
                .getBytes(StandardCharsets.UTF_8);
        out.writeLong(PROTOCOL_VERSION_V1);
        out.writeLong(myId);
        out.writeInt(self.length);
        out.write(self);
        out.flush();
        if (myId > peer) {
          Link l =
              new Link(s, new DataInputStream(new BufferedInputStream(s.getInputStream())), out);
          install(l);
          Thread reader = new Thread(() -> read(l), "coord-election-read-" + peer);
          reader.setDaemon(true);
          reader.start();
          return l;
        }
        closeQuietly(s); // the peer calls back
      } catch (IOException e) {
        closeQuietly(s);
        log.debug("election port: cannot reach server {} at {}: {}", peer, address, e.toString());
        return null;
      }
      synchronized (this) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS);
        while (link == null && !closed) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left <= 0) {
            break;
          }
          try {
            wait(left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
          }
        }
        return link;
      }
    }

    synchronized void stop() {
      thread.interrupt();
      if (link != null) {
        closeQuietly(link.socket());
      }
      notifyAll();
    }
  }
}
