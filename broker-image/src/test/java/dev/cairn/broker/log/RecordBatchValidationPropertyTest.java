package dev.cairn.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cairn.broker.config.BrokerConfig;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;

/**
 * Property: any single-byte corruption of a valid batch is either harmless (base offset and leader
 * epoch, which the broker overwrites) or rejected with a Kafka record error — never accepted
 * silently, never another exception. Truncations are always rejected.
 */
class RecordBatchValidationPropertyTest {
  final LogConfig config = LogConfig.of(BrokerConfig.of(Map.of()), Map.of());

  static MemoryRecords sample(Random r, Compression compression) {
    SimpleRecord[] rs = new SimpleRecord[1 + r.nextInt(5)];
    for (int i = 0; i < rs.length; i++) {
      byte[] v = new byte[r.nextInt(50)];
      r.nextBytes(v);
      rs[i] = new SimpleRecord(1000L + i, ("k" + i).getBytes(), v);
    }
    return MemoryRecords.withRecords(compression, rs);
  }

  @Test
  void singleByteCorruptionIsDetectedOutsideTheFieldsTheBrokerRewrites() {
    for (int seed = 0; seed < 500; seed++) {
      Random r = new Random(seed);
      Compression c = seed % 2 == 0 ? Compression.NONE : Compression.gzip().build();
      MemoryRecords records = sample(r, c);
      ByteBuffer buf = records.buffer();
      int pos = r.nextInt(buf.limit());
      byte flip = (byte) (1 + r.nextInt(255));
      buf.put(pos, (byte) (buf.get(pos) ^ flip));
      boolean rewritable = pos < 8 || (pos >= 12 && pos < 16);
      try {
        LogValidator.validate(
            MemoryRecords.readableRecords(buf), config, System.currentTimeMillis());
        assertThat(rewritable).as("seed %d: corruption at byte %d accepted", seed, pos).isTrue();
      } catch (CorruptRecordException | InvalidRecordException | RecordTooLargeException e) {
        assertThat(rewritable)
            .as("seed %d: byte %d is outside CRC but was rejected", seed, pos)
            .isFalse();
      } catch (RuntimeException e) {
        fail("seed " + seed + ": unexpected " + e, e);
      }
    }
  }

  @Test
  void truncatedBatchesAreRejected() {
    for (int seed = 0; seed < 200; seed++) {
      Random r = new Random(seed);
      MemoryRecords records = sample(r, Compression.NONE);
      ByteBuffer buf = records.buffer();
      buf.limit(r.nextInt(buf.limit()));
      try {
        LogValidator.validate(
            MemoryRecords.readableRecords(buf.slice()), config, System.currentTimeMillis());
        fail("seed " + seed + ": truncated batch accepted");
      } catch (CorruptRecordException | InvalidRecordException e) {
        // expected
      }
    }
  }
}
