package dev.cairn.common.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Injects faults at random moments drawn from the simulation's seed: crashes and restarts,
 * partitions and their healing, pauses, clock jumps. At most {@code maxFaulty} nodes are crashed,
 * paused or cut off from the majority at once, so a protocol that tolerates that many failures must
 * keep its promises; {@link #stop} ends the faults and repairs everything, after which the nodes
 * must converge.
 */
public final class Nemesis {
  /** The kinds of fault the nemesis may inject. */
  public enum Fault {
    CRASH,
    PARTITION,
    PAUSE,
    CLOCK_JUMP
  }

  private final Simulator<?> sim;
  private final List<Integer> targets;
  private final Set<Fault> faults;
  private final int maxFaulty;
  private final long minIntervalMillis;
  private final long maxIntervalMillis;
  private final List<Integer> crashed = new ArrayList<>();
  private final List<Integer> paused = new ArrayList<>();
  private final List<Integer> isolated = new ArrayList<>();
  private boolean running;
  private long injected;

  /** Faults only {@code targets} (the servers; clients of the test stay healthy). */
  public Nemesis(
      Simulator<?> sim,
      Collection<Integer> targets,
      Set<Fault> faults,
      int maxFaulty,
      long minIntervalMillis,
      long maxIntervalMillis) {
    this.sim = sim;
    this.targets = List.copyOf(targets);
    this.faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
    this.maxFaulty = maxFaulty;
    this.minIntervalMillis = minIntervalMillis;
    this.maxIntervalMillis = maxIntervalMillis;
  }

  public void start() {
    running = true;
    next();
  }

  /** Stops injecting, heals partitions, resumes paused nodes and restarts crashed ones. */
  public void stop() {
    running = false;
    sim.heal();
    isolated.clear();
    for (int id : paused) {
      sim.resume(id);
    }
    paused.clear();
    crashed.clear();
    // Every target, not just those crashed on purpose: one may have died recovering, or have a
    // crash at its next fsync still pending.
    for (int id : targets) {
      sim.restart(id);
    }
  }

  /** How many faults were injected or repaired. */
  public long injected() {
    return injected;
  }

  private void next() {
    sim.schedule(
        sim.random().nextLong(minIntervalMillis, maxIntervalMillis + 1),
        () -> {
          if (running) {
            act();
            next();
          }
        });
  }

  private void act() {
    SplittableRandom random = sim.random();
    List<Fault> kinds = new ArrayList<>(faults);
    if (kinds.isEmpty()) {
      return;
    }
    injected++;
    Fault kind = kinds.get(random.nextInt(kinds.size()));
    boolean repair = faulty() >= maxFaulty || random.nextBoolean();
    switch (kind) {
      case CRASH ->
          toggle(
              crashed,
              repair,
              random,
              id -> {
                if (random.nextBoolean()) {
                  sim.crash(id);
                } else {
                  sim.crashDuringNextFsync(id);
                }
              },
              sim::restart);
      case PAUSE -> toggle(paused, repair, random, sim::pause, sim::resume);
      case PARTITION -> {
        if (repair) {
          sim.heal();
          isolated.clear();
        } else {
          healthy(random).ifPresent(this::isolate);
        }
      }
      case CLOCK_JUMP -> {
        int id = targets.get(random.nextInt(targets.size()));
        if (random.nextBoolean()) {
          sim.jumpWallClock(id, random.nextLong(-60_000, 60_001));
        } else {
          sim.jumpMonotonicClock(id, random.nextLong(0, 5_001));
        }
      }
    }
  }

  /** Injects a fault into a healthy node, or repairs one node that has it. */
  private void toggle(
      List<Integer> affected,
      boolean repair,
      SplittableRandom random,
      IntConsumer inject,
      IntConsumer undo) {
    if (repair) {
      if (!affected.isEmpty()) {
        undo.accept(affected.remove(random.nextInt(affected.size())));
      }
      return;
    }
    healthy(random)
        .ifPresent(id -> {
          affected.add(id);
          inject.accept(id);
        });
  }

  private void isolate(int id) {
    isolated.add(id);
    sim.partition(isolated);
  }

  private int faulty() {
    return crashed.size() + paused.size() + isolated.size();
  }

  private Optional<Integer> healthy(SplittableRandom random) {
    List<Integer> candidates = new ArrayList<>();
    for (int id : targets) {
      if (!crashed.contains(id) && !paused.contains(id) && !isolated.contains(id)) {
        candidates.add(id);
      }
    }
    return candidates.isEmpty()
        ? Optional.empty()
        : Optional.of(candidates.get(random.nextInt(candidates.size())));
  }
}
