package dev.cairn.broker.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.broker.BrokerProcesses;
import dev.cairn.common.faults.EngineProcess;
import dev.cairn.common.faults.FaultHarness;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exactly-once through crashes ({@link ExactlyOncePipeline}): the broker process is killed with
 * SIGKILL at random moments, {@value #KILLS} times, while the loop and its feeder run. Afterwards
 * the output read with read_committed holds every input record exactly once.
 *
 * <p>A coordinator process and one broker process ({@link BrokerProcesses}); the broker's session
 * timeout is short so a restarted broker re-registers soon after its predecessor's session ends.
 * The seed of the kill schedule is printed. With ReplicatedConsumeTransformProduceKillNineTest's
 * kills the suite kills the loop's brokers 20 times, issue 13's minimum.
 */
class ConsumeTransformProduceKillNineTest {
  private static final int KILLS = 15;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void eachInputRecordIsInTheOutputExactlyOnceThroughKillNines() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ConsumeTransformProduceKillNineTest seed " + seed);
    Random random = new Random(seed);
    BrokerProcesses cluster =
        BrokerProcesses.start(
            faults,
            1,
            Map.of(
                "zookeeper.session.timeout.ms", "1500",
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                // Small segments: the logs roll (and snapshot their producer state) during the run.
                "log.segment.bytes", "65536"));
    EngineProcess broker = cluster.broker(1);
    ExactlyOncePipeline pipeline = new ExactlyOncePipeline(cluster.clients(), seed + 1);
    pipeline.createTopics((short) 1);
    pipeline.start();
    for (int kill = 1; kill <= KILLS; kill++) {
      // A random moment after the broker is up: before, inside or after the loop's
      // transactions, while the feeder's batches are in flight.
      Thread.sleep(150 + random.nextInt(700));
      broker.kill();
      broker.restart();
    }
    ExactlyOncePipeline.Result result = pipeline.finish();
    assertThat(result.transactions())
        .as("transactions committed between the kills")
        .isGreaterThan(KILLS);
    assertThat(result.restarts()).as("application restarts").isPositive();
    System.out.println("ConsumeTransformProduceKillNineTest: " + result + ", " + KILLS + " kills");
  }
}
