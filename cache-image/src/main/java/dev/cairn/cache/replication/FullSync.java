package dev.cairn.cache.replication;

import dev.cairn.cache.db.Keyspace;
import dev.cairn.cache.rdb.Chunk;
import dev.cairn.cache.rdb.Snapshot;
import dev.cairn.cache.rdb.SnapshotFormat;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One full resynchronisation: a fork-less point-in-time {@link Snapshot} of the keyspace, encoded
 * as an RDB file and sent to one replica as it is produced, walked in short slices between commands
 * so the keyspace thread keeps serving.
 *
 * <p>Two framings, as Redis 7.0: a replica that announced {@code capa eof} while {@code
 * repl-diskless-sync} is on gets the payload streamed as {@code $EOF:<40 chars>\r\n<rdb><40 chars>}
 * (nothing buffered); otherwise (SYNC, no capa) the length must come first, so the file is
 * assembled in memory and sent as {@code $<len>\r\n<rdb>}. The walker pauses while the connection
 * is not writable, so a slow replica bounds the buffered output.
 */
final class FullSync {
  /** Walker slice length, as a background save's. */
  private static final long SLICE_NANOS = 500_000;

  /**
   * How far a streamed snapshot may run ahead of the socket before the walk waits for it to drain
   * (Netty's default is 64 KB, one chunk: the walk stopped after every chunk and a replica on a
   * busy machine got its snapshot at the pace the two threads were scheduled, a few MB/s).
   */
  private static final WriteBufferWaterMark SYNC_WATER_MARK =
      new WriteBufferWaterMark(1 << 20, 4 << 20);

  private final ReplicaLink link;
  private final ScheduledExecutorService loop;
  private final Consumer<FullSync> done;
  private final Snapshot snapshot;
  private final SnapshotFormat.File file;
  private final ByteArrayOutputStream assembled;
  private final byte[] eofMark;
  private final long started = System.nanoTime();
  private boolean finished;
  private boolean waiting;

  /**
   * Where the time went, for the log line: the slices' time (walk, encoding and flush), their
   * number, and how often the walk waited for the socket to drain.
   */
  private long walkNanos;

  private int slices;
  private int socketWaits;
  private long bytes;

  FullSync(
      ReplicaLink link,
      Keyspace keyspace,
      SnapshotFormat format,
      boolean streamed,
      ScheduledExecutorService loop,
      Consumer<FullSync> done)
      throws IOException {
    this.link = link;
    this.loop = loop;
    this.done = done;
    if (streamed) {
      byte[] random = new byte[20];
      ThreadLocalRandom.current().nextBytes(random);
      eofMark = HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
      assembled = null;
      byte[] header =
          ("$EOF:" + new String(eofMark, StandardCharsets.US_ASCII) + "\r\n").getBytes();
      link.write(header, 0, header.length);
      link.channel.config().setWriteBufferWaterMark(SYNC_WATER_MARK);
    } else {
      eofMark = null;
      assembled = new ByteArrayOutputStream();
    }
    OutputStream out =
        streamed
            ? new OutputStream() {
              @Override
              public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                bytes += len;
                link.write(b, off, len);
              }
            }
            : assembled;
    this.snapshot = new Snapshot(keyspace, format, this::chunk);
    this.file = format.open(out, snapshot);
  }

  ReplicaLink link() {
    return link;
  }

  long keys() {
    return snapshot.keysWritten();
  }

  long millis() {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** How the sync spent its time, for the log line that reports it done. */
  String stats() {
    return String.format(
        "%.1f MB, walk %d ms in %d slices, %d waits for the socket",
        (assembled == null ? bytes : assembled.size()) / 1e6,
        walkNanos / 1_000_000,
        slices,
        socketWaits);
  }

  void start() {
    loop.execute(this::walk);
  }

  /** The replica went away or the role changed: the snapshot stops. */
  void abandon() {
    finished = true;
    snapshot.abandon();
  }

  private void chunk(Chunk c) {
    try {
      file.chunk(c);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // memory and channel writes do not fail
    }
  }

  /** Continues the walk as soon as the socket drained below the low water mark (or closed). */
  private final class Resume extends ChannelInboundHandlerAdapter {
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        resume(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      resume(ctx);
      ctx.fireChannelInactive();
    }

    private void resume(ChannelHandlerContext ctx) {
      ctx.pipeline().remove(this);
      waiting = false;
      loop.execute(FullSync.this::walk);
    }
  }

  private void walk() {
    if (finished) {
      return;
    }
    if (!link.channel.isActive()) {
      abandon();
      done.accept(this);
      return;
    }
    if (assembled == null && !link.channel.isWritable()) {
      if (!waiting) {
        waiting = true;
        socketWaits++;
        link.channel.pipeline().addLast(new Resume());
      }
      link.channel.flush();
      return;
    }
    long sliceStart = System.nanoTime();
    boolean complete = snapshot.step(sliceStart + SLICE_NANOS);
    link.channel.flush();
    walkNanos += System.nanoTime() - sliceStart;
    slices++;
    if (!complete) {
      // Scheduled, not executed: one slice per event-loop iteration, after the clients' pending
      // commands (see BackgroundSave.walk).
      loop.schedule(this::walk, 0, TimeUnit.NANOSECONDS);
      return;
    }
    try {
      file.finish();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (assembled == null) {
      link.write(eofMark, 0, eofMark.length);
    } else {
      byte[] header = ("$" + assembled.size() + "\r\n").getBytes(StandardCharsets.US_ASCII);
      link.write(header, 0, header.length);
      link.write(assembled.toByteArray(), 0, assembled.size());
    }
    finished = true;
    if (assembled == null) {
      link.onlineOnAck = true;
    } else {
      link.online();
    }
    link.channel.flush();
    done.accept(this);
  }
}
