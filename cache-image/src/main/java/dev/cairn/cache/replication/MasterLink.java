package dev.cairn.cache.replication;

import dev.cairn.cache.config.CacheConfig;
import dev.cairn.cache.propagation.EffectEncoder;
import dev.cairn.cache.resp.RespParser;
import dev.cairn.cache.server.Args;
import dev.cairn.cache.server.Client;
import dev.cairn.cache.server.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's connection to its primary, as Redis's replica side of the handshake: PING, AUTH
 * [masteruser] masterauth when masterauth is set (a refusal is logged and the link retried every
 * second), REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC with the kept history (or
 * ? -1); then either the snapshot ({@code $<len>} or {@code $EOF:<mark>} framed, received into a
 * temp file in {@code dir} and loaded in place of the dataset, as {@code repl-diskless-load
 * disabled}) or, after +CONTINUE, straight to the stream. The stream's commands run as the
 * primary's client (no checks, replies dropped, MULTI ... EXEC applied as one unit); REPLCONF
 * GETACK is answered with an ACK, as is every second. A lost connection is retried every second;
 * the history is kept for a partial resync. Runs on the keyspace thread (the connection uses its
 * event loop).
 */
final class MasterLink {
  private static final Logger log = LoggerFactory.getLogger(MasterLink.class);

  private enum State {
    CONNECT,
    CONNECTING,
    HANDSHAKE,
    TRANSFER,
    CONNECTED
  }

  final String host;
  final int port;
  private final Replication repl;
  private final Server server;
  private final EventLoop loop;
  private final Client primaryClient;
  private State state = State.CONNECT;
  private Channel channel;
  private boolean closed;
  private long lastIo = System.currentTimeMillis();
  private long downSince = System.currentTimeMillis();
  private long syncTotal = -1;
  private long syncRead;

  /** Handshakes in a row whose AUTH the primary refused (logged once it accepts again). */
  private int authFailures;

  MasterLink(Replication repl, Server server, String host, int port, EventLoop loop) {
    this.repl = repl;
    this.server = server;
    this.host = host;
    this.port = port;
    this.loop = loop;
    this.primaryClient = server.clients.replayClient();
  }

  /** The database the primary's stream has selected (saved in the RDB aux fields). */
  int streamDb() {
    return primaryClient.db().id;
  }

  /** After a restart: the stream goes on in the database the RDB file says it had selected. */
  void selectStreamDb(int db) {
    primaryClient.select(server.keyspace.db(Math.min(db, server.keyspace.count() - 1)));
  }

  boolean connected() {
    return state == State.CONNECTED;
  }

  boolean syncing() {
    return state == State.TRANSFER;
  }

  long syncTotalBytes() {
    return syncTotal;
  }

  long syncReadBytes() {
    return syncRead;
  }

  long lastIoSecondsAgo(long now) {
    return state == State.CONNECT ? -1 : (now - lastIo) / 1000;
  }

  long downSeconds(long now) {
    return (now - downSince) / 1000;
  }

  /** ROLE's link state. */
  String roleState() {
    return switch (state) {
      case CONNECT -> "connect";
      case CONNECTING -> "connecting";
      case HANDSHAKE -> "handshake";
      case TRANSFER -> "sync";
      case CONNECTED -> "connected";
    };
  }

  /** bind-source-addr, or null for the operating system's choice. */
  private InetSocketAddress sourceAddress() {
    String source = server.config().get(CacheConfig.BIND_SOURCE_ADDR);
    return source.isEmpty() ? null : new InetSocketAddress(source, 0);
  }

  void connect() {
    if (closed || state != State.CONNECT) {
      return;
    }
    state = State.CONNECTING;
    lastIo = System.currentTimeMillis();
    boolean epoll = loop.parent() instanceof EpollEventLoopGroup;
    new Bootstrap()
        .group(loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new Handler());
              }
            })
        .connect(new InetSocketAddress(host, port), sourceAddress())
        .addListener(f -> {
          if (!f.isSuccess()) {
            log.warn(
                "cache replica could not connect to primary {}:{}: {}",
                host,
                port,
                f.cause().toString());
            state = State.CONNECT;
          }
        });
  }

  /** CLIENT KILL TYPE master: drops the connection; the link reconnects and resyncs partially. */
  boolean drop() {
    if (closed || channel == null || !channel.isActive()) {
      return false;
    }
    log.info("cache replica drops its connection to primary {}:{} (CLIENT KILL)", host, port);
    channel.close();
    return true;
  }

  /** Stops following this primary. */
  void close() {
    closed = true;
    if (channel != null) {
      channel.close();
    }
    state = State.CONNECT;
  }

  /** Every second: the ACK, the timeout, a reconnect. */
  void everySecond(int timeoutSeconds) {
    if (closed) {
      return;
    }
    if (state == State.CONNECT) {
      connect();
      return;
    }
    if (state == State.CONNECTED) {
      sendAck();
    }
    if (state != State.CONNECTING
        && System.currentTimeMillis() - lastIo > timeoutSeconds * 1000L
        && channel != null) {
      log.warn(
          "cache replica: primary {}:{} timed out (nothing for {} s)", host, port, timeoutSeconds);
      channel.close();
    }
  }

  private void sendAck() {
    send("REPLCONF", "ACK", Long.toString(repl.offset()));
  }

  private void send(String... argv) {
    byte[][] a = new byte[argv.length][];
    for (int i = 0; i < argv.length; i++) {
      a[i] = argv[i].getBytes(StandardCharsets.UTF_8);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EffectEncoder.command(out, a);
    channel.writeAndFlush(Unpooled.wrappedBuffer(out.toByteArray()), channel.voidPromise());
  }

  /** The handshake, the snapshot and the stream, decoded in that order from one connection. */
  private final class Handler extends ByteToMessageDecoder implements RespParser.Sink {
    private static final int MARK = 40;
    private static final int PING_REPLY = 0;
    private static final int AUTH_REPLY = 1;
    private static final int PORT_REPLY = 2;
    private static final int CAPA_REPLY = 3;
    private static final int PSYNC_REPLY = 4;
    private int step = PING_REPLY;
    private Path temp;
    private FileChannel file;
    private byte[] eofMark;
    private byte[] tail = new byte[0];
    private long transferStart;
    private final RespParser parser = new RespParser(Long.MAX_VALUE);

    /** Each command of the stream re-encoded: what it adds to the offset and the backlog. */
    private final Scratch raw = new Scratch();

    /** An open transaction of the stream: its commands, and its bytes (fed only at EXEC). */
    private List<byte[][]> multi;

    private ByteArrayOutputStream multiBytes;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (closed) {
        ctx.close();
        return;
      }
      channel = ctx.channel();
      state = State.HANDSHAKE;
      lastIo = System.currentTimeMillis();
      log.info("cache replica connected to primary {}:{}, handshake", host, port);
      send("PING");
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (state == State.CONNECTED || state == State.TRANSFER) {
        downSince = System.currentTimeMillis();
      }
      log.info(
          "cache replica lost its connection to primary {}:{} ({})",
          host,
          port,
          state.name().toLowerCase());
      state = State.CONNECT;
      discardTemp();
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("cache replica link to {}:{} failed: {}", host, port, cause.toString());
      ctx.close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
        throws Exception {
      lastIo = System.currentTimeMillis();
      while (in.isReadable() && ctx.channel().isActive()) {
        if (state == State.CONNECTED) {
          if (!parser.parse(in, this)) {
            throw new IOException("protocol error in the primary's stream: " + parser.error());
          }
          return;
        }
        if (state == State.TRANSFER && (eofMark != null || syncTotal >= 0)) {
          payload(in);
          continue;
        }
        String line = line(in);
        if (line == null) {
          return;
        }
        if (line.isEmpty()) {
          continue; // the primary's keepalive newlines while it prepares the snapshot
        }
        reply(line);
      }
    }

    private String line(ByteBuf in) {
      int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
      if (eol < 0) {
        return null;
      }
      String s = in.toString(in.readerIndex(), eol - in.readerIndex(), StandardCharsets.UTF_8);
      in.readerIndex(eol + 1);
      return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * One reply line of the handshake. After PING's reply the rest is pipelined, as Redis 7.0's
     * syncWithMaster does: AUTH (with masterauth set), REPLCONF listening-port, REPLCONF capa;
     * their replies are read in that order, then PSYNC is sent.
     */
    private void reply(String line) throws IOException {
      switch (step++) {
        case PING_REPLY -> {
          // a primary with requirepass answers an unauthenticated PING with -NOAUTH (or an ACL
          // error): the AUTH that follows is what decides
          if (line.startsWith("-")
              && !line.startsWith("-NOAUTH")
              && !line.startsWith("-NOPERM")
              && !line.startsWith("-ERR operation not permitted")) {
            throw new IOException("primary answered PING with " + line);
          }
          String pass = server.config().get(CacheConfig.MASTERAUTH);
          String user = server.config().get(CacheConfig.MASTERUSER);
          if (!pass.isEmpty()) {
            if (user.isEmpty()) {
              send("AUTH", pass);
            } else {
              send("AUTH", user, pass);
            }
          } else {
            step++; // no AUTH reply to read
          }
          send(
              "REPLCONF",
              "listening-port",
              Integer.toString(
                  server.config().get(CacheConfig.PORT) == 0
                      ? repl.listeningPort
                      : server.config().get(CacheConfig.PORT)));
          send("REPLCONF", "capa", "eof", "capa", "psync2");
        }
        case AUTH_REPLY -> {
          if (line.startsWith("-")) {
            // Redis's "Unable to AUTH to MASTER": the link stays down and the cron retries
            // every second, reading masterauth again (CONFIG SET fixes it without a restart)
            authFailures++;
            log.warn("cache replica: unable to AUTH to primary {}:{}: {}", host, port, line);
            channel.close();
            return;
          }
          if (authFailures > 0) {
            log.info("cache replica authenticated to primary {}:{}", host, port);
          }
          authFailures = 0;
        }
        case PORT_REPLY -> {
          if (line.startsWith("-")) {
            log.info(
                "cache replica: (non critical) primary does not understand REPLCONF"
                    + " listening-port: {}",
                line);
          }
        }
        case CAPA_REPLY -> {
          if (line.startsWith("-")) {
            log.info(
                "cache replica: (non critical) primary does not understand REPLCONF capa: {}",
                line);
          }
          String[] ps = repl.psyncArgs();
          log.info("cache replica asks primary {}:{} for PSYNC {} {}", host, port, ps[0], ps[1]);
          send("PSYNC", ps[0], ps[1]);
        }
        case PSYNC_REPLY -> psyncReply(line);
        default -> bulkHeader(line);
      }
    }

    private void psyncReply(String line) throws IOException {
      String[] w = line.split(" ");
      if (w[0].equals("+FULLRESYNC") && w.length == 3) {
        log.info(
            "cache replica: full resync from primary {}:{}, replid {} offset {}",
            host,
            port,
            w[1],
            w[2]);
        repl.fullSyncStarting(w[1], Long.parseLong(w[2]));
        state = State.TRANSFER;
        syncTotal = -1;
        syncRead = 0;
        eofMark = null;
      } else if (w[0].equals("+CONTINUE")) {
        repl.continued(w.length > 1 ? w[1] : null);
        log.info(
            "cache replica: partial resynchronization accepted by primary {}:{} at offset {}",
            host,
            port,
            repl.offset());
        state = State.CONNECTED; // the stream goes on in the database it had selected
      } else {
        throw new IOException("primary answered PSYNC with " + line);
      }
    }

    private void bulkHeader(String line) throws IOException {
      if (!line.startsWith("$")) {
        throw new IOException("expected the snapshot, got " + line);
      }
      temp =
          Path.of(server.config().get(CacheConfig.DIR))
              .resolve(
                  "temp-repl-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".rdb");
      file = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      transferStart = System.nanoTime();
      if (line.startsWith("$EOF:")) {
        eofMark = line.substring(5).getBytes(StandardCharsets.US_ASCII);
        if (eofMark.length != MARK) {
          throw new IOException("bad EOF mark in " + line);
        }
      } else {
        syncTotal = Long.parseLong(line.substring(1));
      }
    }

    /** Snapshot bytes into the temp file, until the length or the EOF mark is reached. */
    private void payload(ByteBuf in) throws IOException {
      int n = in.readableBytes();
      if (eofMark == null) {
        n = (int) Math.min(n, syncTotal - syncRead);
      }
      boolean complete;
      if (eofMark != null) {
        // the mark may straddle reads: the last MARK bytes seen so far, kept across them
        int keep = Math.min(n, MARK);
        byte[] joined = new byte[tail.length + keep];
        System.arraycopy(tail, 0, joined, 0, tail.length);
        in.getBytes(in.readerIndex() + n - keep, joined, tail.length, keep);
        tail = Arrays.copyOfRange(joined, Math.max(0, joined.length - MARK), joined.length);
        complete = Arrays.equals(tail, eofMark);
      } else {
        complete = syncRead + n == syncTotal;
      }
      for (int left = n; left > 0; ) { // straight from the socket's buffer, no copy on the heap
        left -= in.readBytes(file, left);
      }
      syncRead += n;
      if (complete && eofMark != null) {
        file.truncate(file.size() - MARK);
      }
      if (complete) {
        file.force(true);
        file.close();
        file = null;
        try {
          repl.loadSnapshot(temp, syncRead, (System.nanoTime() - transferStart) / 1_000_000);
        } finally {
          discardTemp();
        }
        eofMark = null;
        tail = new byte[0];
        syncTotal = -1;
        state = State.CONNECTED;
        primaryClient.select(
            server.keyspace.db(0)); // the stream after a snapshot starts unselected
        sendAck(); // a primary that streamed the snapshot waits for this to send the stream
      }
    }

    private void discardTemp() {
      try {
        if (file != null) {
          file.close();
          file = null;
        }
        if (temp != null) {
          Files.deleteIfExists(temp);
          temp = null;
        }
      } catch (IOException e) {
        log.warn("cache replica could not remove {}: {}", temp, e.toString());
      }
    }

    /** One command of the primary's stream. */
    @Override
    public boolean command(byte[][] argv) {
      raw.reset();
      EffectEncoder.command(raw, argv);
      byte[] bytes = raw.array();
      int length = raw.size();
      if (Args.is(argv[0], "replconf")) {
        repl.feed(bytes, 0, length);
        if (argv.length > 1 && Args.is(argv[1], "getack")) {
          sendAck();
        }
        return true;
      }
      // As Redis's replica, the offset does not move inside a transaction: cut off before its EXEC,
      // the link's partial resync gets the whole transaction again.
      if (Args.is(argv[0], "multi")) {
        multi = new ArrayList<>();
        multiBytes = new ByteArrayOutputStream();
        multiBytes.write(bytes, 0, length);
      } else if (Args.is(argv[0], "exec") && multi != null) {
        apply(multi);
        multiBytes.write(bytes, 0, length);
        repl.feed(multiBytes.toByteArray());
        multi = null;
        multiBytes = null;
      } else if (multi != null) {
        multi.add(argv);
        multiBytes.write(bytes, 0, length);
      } else {
        apply(java.util.Collections.singletonList(argv));
        repl.feed(bytes, 0, length);
      }
      return true;
    }

    /** Runs commands as the primary's client; several are one unit for the local AOF. */
    private void apply(List<byte[][]> commands) {
      var ks = server.keyspace;
      ks.fromPrimary = true;
      server.propagation.enter(ks.changes());
      try {
        for (byte[][] argv : commands) {
          if (!server.replay(primaryClient, argv)) {
            log.warn(
                "cache replica: unknown command '{}' from the primary, skipped", Args.str(argv[0]));
          }
        }
      } finally {
        server.propagation.exit(primaryClient.db().id, commands.get(0), ks.changes(), false);
        ks.fromPrimary = false;
      }
    }

    @Override
    public void protocolError(String message) {
      log.warn("cache replica: protocol error in the primary's stream: {}", message);
      channel.close();
    }
  }
}
