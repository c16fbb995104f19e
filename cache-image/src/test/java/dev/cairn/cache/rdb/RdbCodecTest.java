package dev.cairn.cache.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RdbCodecTest {
  @Test
  void crc64MatchesRedisCheckValue() {
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(Crc64.update(0, b, 0, b.length)).isEqualTo(0xe9c6d914c4b8d9caL);
  }

  @Test
  void crc64OverSplitsAndOffsetsEqualsTheBitwiseDefinition() {
    Random rnd = new Random(11);
    for (int n : new int[] {0, 1, 7, 8, 9, 15, 16, 17, 100, 4099}) {
      byte[] b = new byte[n + 5];
      rnd.nextBytes(b);
      long expected = 0;
      for (int i = 3; i < 3 + n; i++) { // reflected, LSB first, one bit at a time
        expected ^= b[i] & 0xff;
        for (int bit = 0; bit < 8; bit++) {
          expected = (expected & 1) != 0 ? (expected >>> 1) ^ 0x95ac9329ac4bc9b5L : expected >>> 1;
        }
      }
      int cut = n == 0 ? 0 : rnd.nextInt(n);
      long split = Crc64.update(Crc64.update(0, b, 3, cut), b, 3 + cut, n - cut);
      assertThat(Crc64.update(0, b, 3, n)).as("length %d", n).isEqualTo(expected);
      assertThat(split).as("length %d cut at %d", n, cut).isEqualTo(expected);
    }
  }

  @Test
  void lzfRoundTripsAndGivesUpOnIncompressibleData() {
    Random rnd = new Random(7);
    for (int n : new int[] {21, 100, 1000, 70_000}) {
      byte[] text = new byte[n];
      for (int i = 0; i < n; i++) {
        text[i] = (byte) "abcab cabbage ".charAt((i * 7 + rnd.nextInt(3)) % 14);
      }
      byte[] packed = Lzf.compress(text, n - 4);
      assertThat(packed).as("compressible %d", n).isNotNull();
      assertThat(Lzf.decompress(packed, n)).isEqualTo(text);
    }
    byte[] run = new byte[5000]; // one long overlapping match
    assertThat(Lzf.decompress(Lzf.compress(run, 4996), 5000)).isEqualTo(run);
    byte[] noise = new byte[4096];
    rnd.nextBytes(noise);
    assertThat(Lzf.compress(noise, noise.length - 4)).isNull();
  }

  @Test
  void aReusedLzfCompressorIgnoresWhatEarlierInputsLeftInItsTable() {
    Random rnd = new Random(11);
    Lzf reused = new Lzf();
    for (int round = 0; round < 2_000; round++) {
      byte[] text = new byte[21 + rnd.nextInt(300)];
      for (int i = 0; i < text.length; i++) {
        text[i] = (byte) "abcab cabbage ".charAt(rnd.nextInt(round % 2 == 0 ? 3 : 14));
      }
      int n = reused.pack(text, text.length - 4);
      byte[] fresh = Lzf.compress(text, text.length - 4);
      if (fresh == null) {
        assertThat(n).as("round %d", round).isEqualTo(-1);
      } else {
        // same bytes as a fresh table: no match may point into an earlier input
        assertThat(java.util.Arrays.copyOf(reused.packed(), n)).isEqualTo(fresh);
        assertThat(Lzf.decompress(fresh, text.length)).isEqualTo(text);
      }
    }
  }

  @Test
  void lzfRejectsBackReferencesBeforeTheStart() {
    assertThatThrownBy(() -> Lzf.decompress(new byte[] {(byte) 0x20, 5}, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listpackRoundTripsEveryEntryEncoding() {
    List<byte[]> items = new ArrayList<>();
    for (String s :
        new String[] {
          "0",
          "127",
          "128",
          "-1",
          "-4096",
          "4095",
          "-32768",
          "32767",
          "8388607",
          "-8388608",
          "2147483647",
          "-2147483648",
          "9223372036854775807",
          "-9223372036854775808",
          "007",
          "-0",
          "+1",
          "",
          "x"
        }) {
      items.add(s.getBytes(StandardCharsets.US_ASCII));
    }
    items.add("y".repeat(63).getBytes(StandardCharsets.US_ASCII));
    items.add("z".repeat(4095).getBytes(StandardCharsets.US_ASCII));
    items.add("w".repeat(20_000).getBytes(StandardCharsets.US_ASCII));
    Listpack.Builder b = new Listpack.Builder();
    items.forEach(b::add);
    byte[] lp = b.build();
    assertThat(Listpack.decode(lp)).containsExactlyElementsOf(items);
    lp[lp.length - 2] ^= 1; // the last entry's backlen
    assertThatThrownBy(() -> Listpack.decode(lp)).hasMessageContaining("backlen");
  }

  @Test
  void intsetPicksTheNarrowestWidthAndChecksOrder() {
    byte[] small = Intset.encode(new long[] {-5, 3, 32767}, 3);
    assertThat(small).hasSize(8 + 2 * 3);
    assertThat(Intset.decode(small)).containsExactly(-5, 3, 32767);
    byte[] wide = Intset.encode(new long[] {1, Long.MAX_VALUE}, 2);
    assertThat(wide).hasSize(8 + 8 * 2);
    assertThat(Intset.decode(wide)).containsExactly(1, Long.MAX_VALUE);
    byte[] unsorted = Intset.encode(new long[] {3, 1}, 2);
    assertThatThrownBy(() -> Intset.decode(unsorted)).hasMessageContaining("sorted");
  }

  @Test
  void stringsUseIntegerLzfOrRawEncodingAsRedis() throws Exception {
    RdbOutput out = new RdbOutput(true, 16);
    String[] values = {
      "12", "-300", "2147483647", "2147483648", "007", "", "q".repeat(200), "short string"
    };
    for (String v : values) {
      out.writeString(v);
    }
    byte[] b = out.toByteArray();
    assertThat(b[0] & 0xff).as("int8").isEqualTo(0xC0);
    RdbInput in = new RdbInput(new ByteArrayInputStream(b), b.length);
    for (String v : values) {
      assertThat(in.readText()).isEqualTo(v);
    }
    assertThat(in.remaining()).isZero();
  }

  @Test
  void lengthsRoundTripInEveryWidth() throws Exception {
    long[] lengths = {0, 63, 64, 16383, 16384, 0xFFFFFFFFL, 0x100000000L};
    RdbOutput out = new RdbOutput(false, 16);
    for (long l : lengths) {
      out.writeLength(l);
    }
    byte[] b = out.toByteArray();
    RdbInput in = new RdbInput(new ByteArrayInputStream(b), b.length);
    for (long l : lengths) {
      assertThat(in.readLength()).isEqualTo(l);
    }
  }

  @Test
  void saveRulesParseAndFire() {
    SaveRules r = SaveRules.parse("3600 1 300 100");
    assertThat(r.toString()).isEqualTo("3600 1 300 100");
    assertThat(r.due(0, 10_000)).isNull();
    assertThat(r.due(100, 300)).isEqualTo(new SaveRules.Rule(300, 100));
    assertThat(SaveRules.parse("\"\"").isEmpty()).isTrue();
    assertThatThrownBy(() -> SaveRules.parse("3600")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SaveRules.parse("0 1")).isInstanceOf(IllegalArgumentException.class);
  }
}
