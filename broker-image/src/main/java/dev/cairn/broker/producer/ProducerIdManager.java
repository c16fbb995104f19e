package dev.cairn.broker.producer;

import java.util.concurrent.Callable;

/**
 * Hands out producer ids for InitProducerId from blocks claimed in the coordinator (so ids are
 * unique across brokers and restarts), one block at a time. Thread-safe.
 */
public final class ProducerIdManager {
  private final Callable<Long> claimBlock;
  private final long blockSize;
  private long next;
  private long end;

  public ProducerIdManager(Callable<Long> claimBlock, long blockSize) {
    this.claimBlock = claimBlock;
    this.blockSize = blockSize;
  }

  public synchronized long nextProducerId() throws Exception {
    if (next >= end) {
      next = claimBlock.call();
      end = next + blockSize;
    }
    return next++;
  }
}
