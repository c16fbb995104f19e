package dev.cairn.coord.proto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Random;
import org.apache.jute.BinaryInputArchive;
import org.apache.jute.Record;
import org.junit.jupiter.api.Test;

/**
 * Property: decoding any bytes as any request body either yields a record or fails with an
 * IOException — never another exception, never an allocation sized by a hostile length.
 */
class JuteDecodingPropertyTest {
  @Test
  void arbitraryBytesDecodeOrFailWithIoException() {
    long seed = System.nanoTime();
    Random rnd = new Random(seed);
    int decoded = 0;
    for (OpCode op : OpCode.values()) {
      if (RequestBodies.bodyFor(op) == null) {
        continue;
      }
      for (int i = 0; i < 500; i++) {
        byte[] bytes = new byte[rnd.nextInt(64)];
        rnd.nextBytes(bytes);
        if (i % 2 == 0 && bytes.length >= 4) {
          // A huge length prefix where a string, buffer or vector length is read.
          bytes[0] = (byte) 0x7f;
        }
        BinaryInputArchive in = Jute.reader(bytes, 4096);
        Record body = RequestBodies.bodyFor(op);
        try {
          body.deserialize(in, "r");
          decoded++;
        } catch (IOException expected) {
          // the only allowed failure
        } catch (RuntimeException | OutOfMemoryError e) {
          throw new AssertionError("seed " + seed + " op " + op + ": " + e, e);
        }
      }
    }
    assertThat(decoded).isPositive();
  }
}
