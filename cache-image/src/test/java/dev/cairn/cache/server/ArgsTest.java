package dev.cairn.cache.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void integersParseStrictlyLikeString2ll() {
    assertThat(Args.tryLong(b("0"))).isZero();
    assertThat(Args.tryLong(b("-42"))).isEqualTo(-42);
    assertThat(Args.tryLong(b("9223372036854775807"))).isEqualTo(Long.MAX_VALUE);
    assertThat(Args.tryLong(b("-9223372036854775808"))).isEqualTo(Long.MIN_VALUE);
    for (String bad :
        new String[] {"", "-", "+1", "01", " 1", "1 ", "9223372036854775808", "1e3", "-0"}) {
      assertThat(Args.tryLong(b(bad))).as(bad).isNull();
    }
  }

  @Test
  void formattedLongsRoundTrip() {
    Random rnd = new Random(7);
    long[] edges = {0, 9, 10, -1, -10, Long.MAX_VALUE, Long.MIN_VALUE, 1_000_000};
    for (long v : edges) {
      assertThat(new String(Args.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }
    for (int i = 0; i < 10_000; i++) {
      long v = rnd.nextLong() >> rnd.nextInt(64);
      assertThat(new String(Args.bytes(v), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
    }
  }

  @Test
  void doublesAcceptInfinityAndRejectNan() {
    assertThat(Args.tryDouble(b("1.5"))).isEqualTo(1.5);
    assertThat(Args.tryDouble(b("000123"))).isEqualTo(123.0);
    assertThat(Args.tryDouble(b("-7"))).isEqualTo(-7.0);
    assertThat(Args.tryDouble(b("1e3"))).isEqualTo(1000.0);
    assertThat(Args.tryDouble(b("+inf"))).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Args.tryDouble(b("-inf"))).isEqualTo(Double.NEGATIVE_INFINITY);
    for (String bad : new String[] {"nan", "", " 1", "1 ", "abc", "1.5f", "0x10", "-"}) {
      assertThat(Args.tryDouble(b(bad))).as(bad).isNull();
    }
  }
}
