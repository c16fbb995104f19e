package dev.cairn.cache.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cache.db.Encodings;
import dev.cairn.cache.stream.Consumer;
import dev.cairn.cache.stream.ConsumerGroup;
import dev.cairn.cache.stream.PendingEntry;
import dev.cairn.cache.stream.Stream;
import dev.cairn.cache.stream.StreamEntry;
import dev.cairn.cache.stream.StreamId;
import dev.cairn.cache.stream.StreamNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Streams through RDB type 19 on their own (the interop with redis-server is in {@code
 * RdbRedisInteropTest}): every field survives a round trip, including UINT64_MAX IDs and the -1 of
 * an unknown read counter, and inconsistent payloads fail the load instead of loading half a
 * stream.
 */
class StreamCodecTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Two entries in one node (one with the master's fields), a group with a claimed entry. */
  private static Stream sample(long length, boolean ownerless) {
    Stream s = new Stream();
    StreamNode n = Stream.node(new StreamId(1, 0), new byte[][] {b("f")});
    Stream.restoreEntry(n, new StreamId(1, 0), new byte[][] {b("f"), b("v")}, 2);
    Stream.restoreEntry(n, new StreamId(2, 0), new byte[][] {b("g"), b("12345")}, 0);
    Stream.restoreEntry(n, new StreamId(2, 5), new byte[][] {b("f"), b("gone")}, 3);
    s.restoreNode(n);
    s.restoreCounters(length, StreamId.MAX, new StreamId(1, 0), new StreamId(2, 5), 3);
    ConsumerGroup g = new ConsumerGroup(new StreamId(2, 0), ConsumerGroup.INVALID_ENTRIES_READ);
    s.groups().put(b("grp"), g);
    g.pending().put(new StreamId(1, 0), new PendingEntry(1_700_000_000_000L, 3));
    Consumer alice = g.addConsumer(b("alice"), 1_700_000_000_001L);
    g.restoreOwner(new StreamId(1, 0), alice);
    if (ownerless) {
      g.pending().put(new StreamId(2, 0), new PendingEntry(1, 1));
    }
    return s;
  }

  private static byte[] payload(Stream s) {
    RdbOutput out = new RdbOutput(true, 64);
    ValueWriter.write(out, null, s);
    return out.toByteArray();
  }

  private static Object read(byte[] payload) throws IOException {
    RdbInput in = new RdbInput(new ByteArrayInputStream(payload), payload.length);
    int type = in.readByte();
    assertThat(type).isEqualTo(RdbFormat.TYPE_STREAM_LISTPACKS_2);
    return ValueReader.read(in, type, new Encodings());
  }

  @Test
  void everyFieldSurvivesARoundTrip() throws Exception {
    Stream back = (Stream) read(payload(sample(2, false)));
    assertThat(back.length()).isEqualTo(2);
    assertThat(back.lastId()).isEqualTo(StreamId.MAX);
    assertThat(back.maxDeletedId()).isEqualTo(new StreamId(2, 5));
    assertThat(back.entriesAdded()).isEqualTo(3);
    assertThat(back.range(StreamId.MIN, StreamId.MAX, 0, false))
        .extracting(
            e -> e.id.toString() + "=" + new String(e.fieldsValues[1], StandardCharsets.UTF_8))
        .containsExactly("1-0=v", "2-0=12345");
    StreamNode node = back.nodes().iterator().next();
    assertThat(node.deletedCount()).isEqualTo(1);
    assertThat(node.entries())
        .extracting(StreamEntry::sameFields)
        .containsExactly(true, false, true);
    ConsumerGroup g = back.group(b("grp"));
    assertThat(g.entriesRead()).isEqualTo(ConsumerGroup.INVALID_ENTRIES_READ);
    PendingEntry p = g.pending().get(new StreamId(1, 0));
    assertThat(p.deliveryTime()).isEqualTo(1_700_000_000_000L);
    assertThat(p.deliveryCount()).isEqualTo(3);
    assertThat(p.consumer().name).isEqualTo(b("alice"));
    assertThat(p.consumer().seenTime()).isEqualTo(1_700_000_000_001L);
  }

  @Test
  void aLengthThatDisagreesWithTheEntriesFailsTheLoad() {
    assertThatThrownBy(() -> read(payload(sample(5, false))))
        .isInstanceOf(RdbCorruptException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void aPendingEntryNoConsumerOwnsFailsTheLoad() {
    assertThatThrownBy(() -> read(payload(sample(2, true))))
        .isInstanceOf(RdbCorruptException.class)
        .hasMessageContaining("without a consumer");
  }

  @Test
  void aTruncatedPayloadFailsAtEveryCut() {
    byte[] whole = payload(sample(2, false));
    for (int cut = 1; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> read(part))
          .as("cut at %d", cut)
          .isInstanceOf(RdbCorruptException.class);
    }
  }
}
