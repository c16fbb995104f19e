package dev.cairn.common.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorTest {

  /** Node 1 sends 0, 1, 2, ... to node 2 every tick; node 2 records what arrives. */
  private static final class Counter implements SimProcess<Integer> {
    final NodeEnv<Integer> env;
    final List<Integer> received = new ArrayList<>();
    final List<Integer> disconnects = new ArrayList<>();
    int next;

    Counter(NodeEnv<Integer> env) {
      this.env = env;
    }

    @Override
    public void receive(int from, Integer message) {
      received.add(message);
    }

    @Override
    public void tick() {
      if (env.id() == 1) {
        env.transport().send(2, next++);
      }
    }

    @Override
    public void disconnected(int peer) {
      disconnects.add(peer);
    }
  }

  private static Simulator<Integer> pair(long seed, NetworkFaults faults) {
    Simulator<Integer> sim = new Simulator<>(seed, faults, 10);
    sim.add(1, Counter::new);
    sim.add(2, Counter::new);
    return sim;
  }

  private static Counter counter(Simulator<Integer> sim, int id) {
    return (Counter) sim.process(id);
  }

  @Test
  void theSameSeedReplaysTheSameRunAndAnotherSeedDoesNot() {
    NetworkFaults lossy = new NetworkFaults(1, 50, 0.2, 0.1, false);
    Simulator<Integer> a = pair(42, lossy);
    Simulator<Integer> b = pair(42, lossy);
    Simulator<Integer> c = pair(43, lossy);
    for (Simulator<Integer> sim : List.of(a, b, c)) {
      sim.runFor(5_000);
    }
    assertThat(counter(a, 2).received).isEqualTo(counter(b, 2).received);
    assertThat(a.trace()).isEqualTo(b.trace());
    assertThat(c.trace()).isNotEqualTo(a.trace());
    assertThat(counter(c, 2).received).isNotEqualTo(counter(a, 2).received);
  }

  @Test
  void aDatagramNetworkDropsDuplicatesAndReorders() {
    Simulator<Integer> sim = pair(7, new NetworkFaults(1, 100, 0.1, 0.1, false));
    sim.runFor(10_000);
    List<Integer> received = counter(sim, 2).received;
    int sent = counter(sim, 1).next;
    assertThat(received.stream().distinct().count()).isLessThan(sent - 5);
    assertThat(received.size()).isGreaterThan((int) received.stream().distinct().count());
    assertThat(received).isNotEqualTo(received.stream().sorted().toList());
  }

  @Test
  void aFifoNetworkDeliversInOrderAndALostMessageBreaksTheConnectionForBothEnds() {
    Simulator<Integer> sim = pair(11, new NetworkFaults(1, 100, 0.05, 0, true));
    sim.runFor(10_000);
    Counter receiver = counter(sim, 2);
    assertThat(receiver.received).isSorted().doesNotHaveDuplicates();
    assertThat(receiver.received.size()).isLessThan(counter(sim, 1).next);
    assertThat(receiver.disconnects).isNotEmpty().containsOnly(1);
    assertThat(counter(sim, 1).disconnects).containsOnly(2);
  }

  @Test
  void aPartitionStopsMessagesUntilHealed() {
    Simulator<Integer> sim = pair(3, NetworkFaults.reliable(1, 5, true));
    sim.runFor(1_000);
    sim.partition(Set.of(1));
    int before = counter(sim, 2).received.size();
    sim.runFor(1_000);
    assertThat(counter(sim, 2).received).hasSize(before);
    assertThat(counter(sim, 2).disconnects).containsExactly(1);
    sim.heal();
    sim.runFor(1_000);
    assertThat(counter(sim, 2).received.size()).isGreaterThan(before + 50);
  }

  @Test
  void aPausedNodeGetsWhatWasSentWhenResumed() {
    Simulator<Integer> sim = pair(5, NetworkFaults.reliable(1, 5, true));
    sim.pause(2);
    sim.runFor(1_000);
    assertThat(counter(sim, 2).received).isEmpty();
    sim.resume(2);
    sim.runFor(20);
    assertThat(counter(sim, 2).received.size()).isGreaterThan(90);
    assertThat(counter(sim, 2).received).isSorted();
  }

  @Test
  void messagesHeldByAPauseKeepTheirOrderWhenResumedAtTheInstantAnotherArrives() {
    Simulator<Integer> sim = pair(13, NetworkFaults.reliable(10, 10, true));
    sim.runFor(5);
    sim.pause(2);
    // Resuming at 110 is scheduled before the message node 1 sends at 100 to arrive at 110.
    sim.schedule(105, () -> sim.resume(2));
    sim.runFor(200);
    assertThat(counter(sim, 2).received).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aCrashedNodeRestartsOverWhatItsDiskKept() {
    Simulator<byte[]> sim = new Simulator<>(9, NetworkFaults.reliable(1, 5, true), 10);
    sim.add(
        1,
        env ->
            new SimProcess<>() {
              @Override
              public void receive(int from, byte[] message) {}

              @Override
              public void tick() {
                env.storage().open("data").append("x".getBytes(StandardCharsets.US_ASCII));
                if (env.clock().monotonicMillis() % 100 == 0) {
                  env.storage().open("data").fsync();
                }
              }
            });
    sim.runFor(1_050);
    long synced = 100;
    sim.crash(1);
    assertThat(sim.isUp(1)).isFalse();
    sim.runFor(500);
    long kept = sim.storage(1).open("data").size();
    assertThat(kept).isBetween(synced, 105L);
    sim.restart(1);
    sim.runFor(100);
    assertThat(sim.storage(1).open("data").size()).isGreaterThan(kept);
  }

  /** Appends a byte per tick and asks for a background fsync of it; counts the fsyncs finished. */
  private static final class BackgroundWriter implements SimProcess<byte[]> {
    final NodeEnv<byte[]> env;
    final List<Long> finished = new ArrayList<>();
    long requested;

    BackgroundWriter(NodeEnv<byte[]> env) {
      this.env = env;
    }

    @Override
    public void receive(int from, byte[] message) {}

    @Override
    public void tick() {
      env.storage().open("data").append(new byte[] {1});
      long n = ++requested;
      env.fsync().request(env.storage().open("data"), () -> finished.add(n));
    }
  }

  @Test
  void aBackgroundFsyncMakesWritesDurableOnlyWhenItFinishesInRequestOrder() {
    for (long seed = 0; seed < 50; seed++) {
      Simulator<byte[]> sim = new Simulator<>(seed, NetworkFaults.reliable(1, 5, true), 10);
      sim.fsyncDelays(0, 35);
      sim.add(1, BackgroundWriter::new);
      sim.runFor(1_000);
      BackgroundWriter writer = (BackgroundWriter) sim.process(1);
      assertThat(writer.finished).as("seed %d", seed).isSorted().doesNotHaveDuplicates();
      long durable = writer.finished.getLast();
      // Durable: exactly the bytes the finished fsyncs covered.
      assertThat(sim.storage(1).durableCopy().open("data").size()).isEqualTo(durable);
      sim.crash(1);
      long kept = sim.storage(1).open("data").size();
      assertThat(kept).isGreaterThanOrEqualTo(durable).isLessThanOrEqualTo(writer.requested);
      sim.runFor(100);
      assertThat(sim.storage(1).open("data").size())
          .as("nothing finishes after the crash")
          .isEqualTo(kept);
    }
  }

  @Test
  void aPausedNodeHearsOfItsFinishedFsyncsWhenResumedAndACrashAtFsyncStrikesWhenOneFinishes() {
    Simulator<byte[]> sim = new Simulator<>(3, NetworkFaults.reliable(1, 5, true), 10);
    sim.fsyncDelays(20, 20);
    sim.add(1, BackgroundWriter::new);
    sim.runFor(100);
    BackgroundWriter writer = (BackgroundWriter) sim.process(1);
    sim.pause(1);
    int heard = writer.finished.size();
    sim.runFor(100);
    assertThat(writer.finished).hasSize(heard);
    long durable = sim.storage(1).durableCopy().open("data").size();
    assertThat(durable).as("the disk went on while the node was paused").isGreaterThan(heard);
    sim.resume(1);
    assertThat(writer.finished.getLast()).isEqualTo(durable);

    sim.crashDuringNextFsync(1);
    sim.runFor(15);
    assertThat(sim.isUp(1)).as("up while its next fsync runs").isTrue();
    sim.runFor(10);
    assertThat(sim.isUp(1)).as("struck when it would have finished").isFalse();
    assertThat(sim.storage(1).durableCopy().open("data").size()).isEqualTo(durable);
  }

  @Test
  void aFailingSeedIsNamedForReplay() {
    assertThatThrownBy(() ->
            Seeds.run(
                100,
                10,
                10_000,
                seed -> {
                  if (seed == 104) {
                    throw new IllegalStateException("two leaders");
                  }
                }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("seed 104")
        .hasMessageContaining("-Dcairn.sim.seed=104")
        .hasMessageContaining("two leaders");
  }
}
