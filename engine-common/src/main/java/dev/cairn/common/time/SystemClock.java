package dev.cairn.common.time;

/** The machine's clocks: {@link System#nanoTime()} for intervals, the wall clock for dates. */
enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long monotonicMillis() {
    return System.nanoTime() / 1_000_000L;
  }

  @Override
  public long wallMillis() {
    return System.currentTimeMillis();
  }
}
