package dev.cairn.broker.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.SingleBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * librdkafka through kcat: produce and consume with keys, headers and every codec, and its
 * transactional producer (all of stdin in one transaction, committed at EOF).
 */
class KcatTest {
  @RegisterExtension
  static final SingleBroker broker =
      new SingleBroker(Map.of("transaction.state.log.num.partitions", "1"));

  private static String kcat(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kcat", "-b", broker.bootstrap()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("kcat timed out: " + cmd);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("kcat %s failed: %s", cmd, err).isZero();
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  void kcatProducesAndConsumesKeysHeadersAndCompressedBatches(String codec) throws Exception {
    String topic = "kcat-" + codec;
    StringBuilder in = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      in.append("key").append(i).append(':').append("value-").append(i).append('\n');
    }
    kcat(
        in.toString(),
        "-P",
        "-t",
        topic,
        "-K:",
        "-H",
        "source=kcat",
        "-z",
        codec,
        "-X",
        "topic.request.required.acks=-1");
    String out = kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%o %k=%s %h\\n");
    String[] lines = out.strip().split("\n");
    assertThat(lines).hasSize(20);
    for (int i = 0; i < 20; i++) {
      assertThat(lines[i]).isEqualTo(i + " key" + i + "=value-" + i + " source=kcat");
    }
  }

  @Test
  void kcatsTransactionIsCommittedAtTheEndOfItsInputAndReadCommitted() throws Exception {
    String topic = "kcat-txn";
    kcat("one\ntwo\n", "-P", "-t", topic, "-p", "0", "-X", "transactional.id=kcat-txn");
    kcat("three\n", "-P", "-t", topic, "-p", "0", "-X", "transactional.id=kcat-txn");
    assertThat(kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%o %s\n").strip())
        .as("read_committed (librdkafka's default) reads both transactions, markers skipped")
        .isEqualTo("0 one\n1 two\n3 three");
  }
}
