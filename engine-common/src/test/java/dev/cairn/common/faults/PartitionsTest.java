package dev.cairn.common.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real nftables rules on real sockets: needs root and nft (scripts/install-test-peers). */
class PartitionsTest {
  private static final int CONNECT_TIMEOUT_MS = 500;

  private LoopbackAddress client;
  private LoopbackAddress bystander;
  private LoopbackAddress server;
  private ServerSocket listener;
  private Partitions partitions;

  @BeforeEach
  void listen() throws IOException {
    client = LoopbackAddress.acquire();
    bystander = LoopbackAddress.acquire();
    server = LoopbackAddress.acquire();
    listener = new ServerSocket(0, 50, server.address());
    partitions = Partitions.open();
  }

  @AfterEach
  void release() throws IOException {
    partitions.close();
    listener.close();
    server.close();
    bystander.close();
    client.close();
  }

  private boolean connects(LoopbackAddress from) throws IOException {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from.address(), 0));
      socket.connect(listener.getLocalSocketAddress(), CONNECT_TIMEOUT_MS);
      listener.accept().close();
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Test
  void aCutSilencesOnlyTheAddressesItNamesUntilHealed() throws IOException {
    assertThat(connects(client)).isTrue();

    partitions.cut(List.of(client.address()), List.of(server.address()));
    assertThat(connects(client)).as("cut off").isFalse();
    assertThat(connects(bystander)).as("not named by the cut").isTrue();

    partitions.heal();
    assertThat(connects(client)).as("healed").isTrue();
  }

  @Test
  void addressesOutsideTheHarnessRangeAreRefused() throws IOException {
    InetAddress localhost = InetAddress.getByName("127.0.0.1");

    assertThatThrownBy(() -> partitions.cut(List.of(localhost), List.of(server.address())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("127.0.0.1 is not a 127.0.1.x address");
  }
}
