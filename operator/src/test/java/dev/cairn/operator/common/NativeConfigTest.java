package dev.cairn.operator.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NativeConfigTest {
  static final NativeConfig CFG =
      new NativeConfig("x.conf", "=", Set.of("a", "b"), Map.of("port", "spec.port"));

  @Test
  void rendersOperatorKeysThenUserKeysSorted() {
    Map<String, String> op = new LinkedHashMap<>();
    op.put("port", "1");
    op.put("dir", "/d");
    assertThat(CFG.render(op, Map.of("b", "2", "a", "1")))
        .isEqualTo("# x.conf written by the Cairn operator\nport=1\ndir=/d\na=1\nb=2\n");
  }

  @Test
  void rejectsReservedKeysNamingTheFieldToUse() {
    assertThatThrownBy(() -> CFG.validate(Map.of("port", "2")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("'port' is set by the operator; use spec.port");
  }

  @Test
  void rejectsUnknownKeysListingTheAllowedOnes() {
    assertThatThrownBy(() -> CFG.validate(Map.of("c", "2")))
        .hasMessageContaining("'c' is not supported; allowed keys: a, b");
  }

  @Test
  void rejectsValuesThatWouldInjectLines() {
    assertThatThrownBy(() -> CFG.validate(Map.of("a", "1\nport=9")))
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> CFG.validate(Map.of("a", " "))).hasMessageContaining("empty value");
  }
}
