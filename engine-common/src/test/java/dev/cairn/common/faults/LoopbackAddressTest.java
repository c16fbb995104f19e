package dev.cairn.common.faults;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoopbackAddressTest {
  @Test
  void socketTablesNameTheAddressesAtBothEndsIncludingIpv4MappedOnes() {
    String tcp =
        """
          sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid
           0: 8201007F:0885 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0
           1: 0100007F:D3A2 8301007F:18EB 01 00000000:00000000 00:00000000 00000000     0
        """;
    String tcp6 =
        """
          sl  local_address                         remote_address                        st
           0: 0000000000000000FFFF00008401007F:1F90 00000000000000000000000000000000:0000 0A
           1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A
        """;

    assertThat(LoopbackAddress.inUse(tcp + tcp6))
        .containsExactlyInAnyOrder(
            "127.0.1.130", "0.0.0.0", "127.0.0.1", "127.0.1.131", "127.0.1.132");
  }

  @Test
  void anAddressIsHeldByOneHolderAtATimeAndFreeAgainOnceReleased() {
    try (LoopbackAddress first = LoopbackAddress.acquire();
        LoopbackAddress second = LoopbackAddress.acquire()) {
      assertThat(first.address()).isNotEqualTo(second.address());
      assertThat(first.address().getHostAddress()).startsWith("127.0.1.");
      first.close();
      try (LoopbackAddress third = LoopbackAddress.acquire()) {
        assertThat(third.address()).isEqualTo(first.address());
      }
    }
  }
}
