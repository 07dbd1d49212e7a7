package io.stagecoach.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test sets and moves ({@link #advance}); a ticking one also moves on by its step at each
 * reading, so that what is recorded at each reading is ordered by time. UTC.
 */
public final class TestClock extends Clock {

  private final Duration step;
  private Instant now;

  private TestClock(Instant start, Duration step) {
    this.now = start;
    this.step = step;
  }

  /** Stands at {@code instant} until moved. */
  public static TestClock at(String instant) {
    return new TestClock(Instant.parse(instant), Duration.ZERO);
  }

  /** Starts at {@code instant}; each reading first moves it on by {@code step}. */
  public static TestClock ticking(String instant, Duration step) {
    return ticking(Instant.parse(instant), step);
  }

  public static TestClock ticking(Instant start, Duration step) {
    return new TestClock(start, step);
  }

  @Override
  public synchronized Instant instant() {
    now = now.plus(step);
    return now;
  }

  /** Where it stands, without moving it. */
  public synchronized Instant now() {
    return now;
  }

  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
