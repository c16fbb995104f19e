package dev.cairn.common.sim;

import dev.cairn.common.io.BackgroundFsync;
import dev.cairn.common.io.Storage;
import dev.cairn.common.net.Transport;
import dev.cairn.common.time.Clock;
import java.util.random.RandomGenerator;

/**
 * What a simulated node may touch: its clock, its randomness, the network and its disk, whose
 * fsyncs it may also run in the background ({@code fsync}, finished when the simulator decides).
 */
public record NodeEnv<M>(
    int id,
    Clock clock,
    RandomGenerator random,
    Transport<M> transport,
    Storage storage,
    BackgroundFsync fsync) {}
