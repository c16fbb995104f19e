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
 * Exactly-once through crashes of a replicated cluster ({@link ExactlyOncePipeline}): three broker
 * processes, every topic (input, output, {@code __consumer_offsets}, {@code __transaction_state})
 * with replication factor 3 and min.insync.replicas 2; a random broker — a partition leader, the
 * group or the transaction coordinator, or a follower — is killed with SIGKILL and restarted,
 * {@value #KILLS} times, while the loop and its feeder run. Afterwards the output read with
 * read_committed holds every input record exactly once.
 *
 * <p>Kept short for the suite: a few kills, one broker down at a time (the next kill may still find
 * the last victim catching up, so an ISR can be down to one replica and refuse writes for a
 * moment). The seed of the kill schedule is printed.
 */
class ReplicatedConsumeTransformProduceKillNineTest {
  private static final int KILLS = 5;

  @RegisterExtension final FaultHarness faults = new FaultHarness();

  @Test
  void eachInputRecordIsInTheOutputExactlyOnceThroughKillsOfRandomBrokers() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ReplicatedConsumeTransformProduceKillNineTest seed " + seed);
    Random random = new Random(seed);
    BrokerProcesses cluster =
        BrokerProcesses.start(faults, 3, BrokerProcesses.replicated(Map.of()));
    ExactlyOncePipeline pipeline = new ExactlyOncePipeline(cluster.clients(), seed + 1);
    pipeline.createTopics((short) 3);
    pipeline.start();
    for (int kill = 1; kill <= KILLS; kill++) {
      Thread.sleep(500 + random.nextInt(1500));
      EngineProcess victim = cluster.broker(1 + random.nextInt(3));
      System.out.println("ReplicatedConsumeTransformProduceKillNineTest: killing " + victim.name());
      victim.kill();
      victim.restart();
    }
    ExactlyOncePipeline.Result result = pipeline.finish();
    assertThat(result.transactions())
        .as("transactions committed between the kills")
        .isGreaterThan(KILLS);
    System.out.println(
        "ReplicatedConsumeTransformProduceKillNineTest: " + result + ", " + KILLS + " kills");
  }
}
