package dev.cairn.coord.net;

import dev.cairn.coord.acl.Acls;
import dev.cairn.coord.proto.Err;
import dev.cairn.coord.proto.Jute;
import dev.cairn.coord.proto.OpCode;
import dev.cairn.coord.proto.RequestBodies;
import dev.cairn.coord.server.Connection;
import dev.cairn.coord.server.Request;
import dev.cairn.coord.session.Session;
import dev.cairn.coord.watch.EventType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.BinaryOutputArchive;
import org.apache.jute.Record;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.proto.AuthPacket;
import org.apache.zookeeper.proto.ReplyHeader;
import org.apache.zookeeper.proto.RequestHeader;
import org.apache.zookeeper.proto.WatcherEvent;
import org.apache.zookeeper.txn.CreateSessionTxn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection (ZooKeeper's {@code ServerCnxn}): the connect handshake, then requests
 * decoded and handed to the pipeline, replies and notifications encoded back.
 *
 * <p>Handshake: a {@code ConnectRequest} with session id 0 creates a session (answered once its
 * createSession txn is durable); a non-zero id with the right password resumes that session on this
 * connection (closing the one that served it before); an unknown id or a wrong password gets the
 * expired-session answer (timeout 0) and the connection is closed. A client that has seen a zxid
 * newer than ours is refused.
 *
 * <p>Auth packets (xid -4) are handled here: {@code digest} adds the caller's digest id, anything
 * else fails with AUTHFAILED and closes, as ZooKeeper does. Every other packet touches the session
 * and goes through the pipeline. A request whose body does not decode closes the connection.
 *
 * <p>Replies and notifications are written from the pipeline's final thread; Netty keeps their
 * order.
 */
public final class ClientConnection extends ChannelInboundHandlerAdapter implements Connection {
  private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);
  private static final int SYNC_CONNECTED = 3;
  private static final int AUTH_XID = -4;
  private static final String SUPER_DIGEST = "zookeeper.DigestAuthenticationProvider.superDigest";
  private static final Id SUPER = new Id("super", "");

  /** The super digest from the environment, for a container whose JVM flags are the image's. */
  private static final String SUPER_DIGEST_ENV = "CAIRN_SUPER_DIGEST";

  /**
   * Requests a connection may have in the pipeline before the server stops reading from it
   * (ZooKeeper's throttling): a client that floods without waiting for replies is slowed down
   * instead of filling the server's memory.
   */
  static final int MAX_OUTSTANDING = 1000;

  private final ServerContext server;
  private Channel channel;
  private InetAddress address;
  private volatile List<Id> auth = List.of();
  private volatile Session session;
  private boolean handshakeDone;
  private boolean sendReadOnlyFlag;
  private final long createdAt = System.currentTimeMillis();
  private volatile long lastZxid;
  private volatile long packetsIn;
  private volatile long packetsOut;
  private final java.util.concurrent.atomic.AtomicInteger outstanding =
      new java.util.concurrent.atomic.AtomicInteger();

  public ClientConnection(ServerContext server) {
    this.server = server;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    address = ((InetSocketAddress) channel.remoteAddress()).getAddress();
    auth = List.of(new Id("ip", address.getHostAddress()));
    if (!server.connections().add(this, address)) {
      log.warn(
          "too many connections from {} (maxClientCnxns={}), closing",
          address.getHostAddress(),
          server.config().maxClientCnxns());
      ctx.close();
      return;
    }
    server.stats().connectionOpened(address.isLoopbackAddress());
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    server.connections().remove(this, address);
    server.tree().watches().removeWatcher(this);
    Session s = session;
    if (s != null && s.owner() == this) {
      s.setOwner(null);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof FrameDecoder.FourLetterWord w) {
      FourLetterWords.answer(ctx, w.word(), server);
      return;
    }
    ByteBuf frame = (ByteBuf) msg;
    try {
      server.stats().received();
      packetsIn++;
      BinaryInputArchive in = Jute.reader(frame, server.config().juteMaxBuffer());
      if (!handshakeDone) {
        connect(frame, in);
      } else {
        request(in);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("closing connection from {}: undecodable request ({})", remote(), e.toString());
      ctx.close();
    } finally {
      frame.release();
    }
  }

  private static String superDigest() {
    String digest = System.getProperty(SUPER_DIGEST);
    return digest != null ? digest : System.getenv(SUPER_DIGEST_ENV);
  }

  private void connect(ByteBuf frame, BinaryInputArchive in) throws IOException {
    in.readInt("protocolVersion");
    long lastZxidSeen = in.readLong("lastZxidSeen");
    int requested = in.readInt("timeOut");
    long sessionId = in.readLong("sessionId");
    byte[] password = in.readBuffer("passwd");
    if (frame.isReadable()) {
      in.readBool("readOnly");
      sendReadOnlyFlag = true;
    }
    handshakeDone = true;
    if (server.mode() == null) {
      // As ZooKeeper: a server without a leader takes no session; the client tries another.
      log.info("closing connection from {}: not serving (no leader)", remote());
      channel.close();
      return;
    }
    long ourZxid = server.tree().lastProcessedZxid();
    if (lastZxidSeen > ourZxid) {
      log.warn(
          "refusing session request from {}: client has seen zxid 0x{}, our last zxid is 0x{}",
          remote(),
          Long.toHexString(lastZxidSeen),
          Long.toHexString(ourZxid));
      channel.close();
      return;
    }
    int timeout =
        Math.max(
            server.config().minSessionTimeout(),
            Math.min(server.config().maxSessionTimeout(), requested));
    if (sessionId == 0) {
      Session s = server.sessions().create(timeout);
      s.setOwner(this);
      session = s;
      log.info(
          "session 0x{} created for {} with timeout {} ms",
          Long.toHexString(s.id()),
          remote(),
          timeout);
      submit(
          new Request(this, s.id(), 0, OpCode.CREATE_SESSION, new CreateSessionTxn(timeout), auth));
      return;
    }
    Session s = server.sessions().get(sessionId);
    if (s == null || s.closing() || !Arrays.equals(password, s.password())) {
      log.info(
          "session 0x{} from {} {}: answering expired",
          Long.toHexString(sessionId),
          remote(),
          s == null || s.closing() ? "unknown or expired" : "has a wrong password");
      sendConnectResponse(0, 0, new byte[16]);
      channel.flush();
      channel.close();
      return;
    }
    Object previous = s.owner();
    s.setOwner(this);
    session = s;
    server.sessions().touch(s);
    if (previous instanceof ClientConnection old && old != this) {
      old.close();
    }
    log.info("session 0x{} resumed by {}", Long.toHexString(s.id()), remote());
    sendConnectResponse(s.timeout(), s.id(), s.password());
  }

  private void request(BinaryInputArchive in) throws IOException {
    RequestHeader h = new RequestHeader();
    h.deserialize(in, "header");
    OpCode op = OpCode.of(h.getType());
    Session s = session;
    if (s == null) {
      throw new IOException("request before the session was established");
    }
    server.sessions().touch(s);
    if (op == OpCode.AUTH) {
      auth(Jute.read(in, new AuthPacket()));
      return;
    }
    if (op == null || !RequestBodies.supported(op)) {
      sendReply(
          new ReplyHeader(h.getXid(), server.tree().lastProcessedZxid(), Err.UNIMPLEMENTED.code),
          null);
      return;
    }
    Record body = RequestBodies.bodyFor(op);
    if (body != null) {
      body.deserialize(in, "request");
    }
    if (op == OpCode.CLOSE_SESSION && !server.sessions().markClosing(s.id())) {
      return;
    }
    submit(new Request(this, s.id(), h.getXid(), op, body, auth));
  }

  private void submit(Request r) {
    server.inFlight().begin();
    if (outstanding.incrementAndGet() >= MAX_OUTSTANDING) {
      channel.config().setAutoRead(false);
    }
    server.pipeline().process(r);
  }

  /** The pipeline answered one of this connection's requests. */
  public void requestDone() {
    if (outstanding.decrementAndGet() == MAX_OUTSTANDING / 2) {
      Channel ch = channel;
      if (ch != null) {
        ch.config().setAutoRead(true);
      }
    }
  }

  private void auth(AuthPacket p) {
    if ("digest".equals(p.getScheme()) && p.getAuth() != null) {
      String digest = Acls.digest(new String(p.getAuth(), StandardCharsets.UTF_8));
      List<Id> ids = new ArrayList<>(auth);
      // ZooKeeper's super user: the digest named by this system property passes every ACL.
      if (digest.equals(superDigest()) && !ids.contains(SUPER)) {
        ids.add(SUPER);
      }
      Id id = new Id("digest", digest);
      if (!ids.contains(id)) {
        ids.add(id);
      }
      auth = List.copyOf(ids);
      log.info("{} authenticated as digest {}", remote(), digest.split(":", 2)[0]);
      sendReply(new ReplyHeader(AUTH_XID, 0, 0), null);
      return;
    }
    log.warn("{} auth failed: unsupported scheme {}", remote(), p.getScheme());
    sendReply(new ReplyHeader(AUTH_XID, 0, Err.AUTHFAILED.code), null);
    close();
  }

  private void sendConnectResponse(int timeout, long sessionId, byte[] password) {
    ByteBuf buf = channel.alloc().buffer(64);
    buf.writeInt(0);
    BinaryOutputArchive out = Jute.writer(buf);
    try {
      out.writeInt(0, "protocolVersion");
      out.writeInt(timeout, "timeOut");
      out.writeLong(sessionId, "sessionId");
      out.writeBuffer(password, "passwd");
      if (sendReadOnlyFlag) {
        out.writeBool(false, "readOnly");
      }
    } catch (IOException e) {
      buf.release();
      throw new IllegalStateException(e);
    }
    buf.setInt(0, buf.readableBytes() - 4);
    channel.writeAndFlush(buf);
  }

  @Override
  public void sessionEstablished(Session s) {
    sendConnectResponse(s.timeout(), s.id(), s.password());
  }

  @Override
  public List<Id> authInfo() {
    return auth;
  }

  @Override
  public void sendReply(ReplyHeader header, Record body) {
    lastZxid = Math.max(lastZxid, header.getZxid());
    write(header, body);
  }

  @Override
  public void process(EventType type, String path, long zxid) {
    write(new ReplyHeader(-1, zxid, 0), new WatcherEvent(type.code, SYNC_CONNECTED, path));
  }

  private void write(ReplyHeader header, Record body) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      return;
    }
    ByteBuf buf = ch.alloc().buffer(64);
    try {
      buf.writeInt(0);
      BinaryOutputArchive out = Jute.writer(buf);
      header.serialize(out, "header");
      if (body != null) {
        body.serialize(out, "response");
      }
    } catch (IOException e) {
      buf.release();
      throw new IllegalStateException("cannot encode a reply", e);
    }
    buf.setInt(0, buf.readableBytes() - 4);
    server.stats().sent(buf.readableBytes() - 4);
    packetsOut++;
    ch.writeAndFlush(buf);
  }

  @Override
  public void close() {
    Channel ch = channel;
    if (ch != null) {
      ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public String remote() {
    Channel ch = channel;
    return ch == null ? "?" : String.valueOf(ch.remoteAddress()).replaceFirst("^/", "");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.warn("closing connection from {}: {}", remote(), cause.toString());
    ctx.close();
  }

  /** One line of the {@code cons} four-letter word. */
  String describe() {
    Session s = session;
    return String.format(
        " /%s[1](queued=%d,recved=%d,sent=%d,sid=0x%s,lzxid=0x%x,to=%d,estab=%d)",
        remote(),
        outstanding.get(),
        packetsIn,
        packetsOut,
        s == null ? "0" : Long.toHexString(s.id()),
        lastZxid,
        s == null ? 0 : s.timeout(),
        createdAt);
  }
}
