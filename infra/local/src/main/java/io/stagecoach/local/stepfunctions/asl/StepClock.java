package io.stagecoach.local.stepfunctions.asl;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as executions see it: now, and sleeping for a duration of that time. Tests run Wait, Retry
 * and timeouts on a sped-up clock (one second of execution time in a millisecond) instead of
 * sleeping.
 */
public interface StepClock {

  Instant now();

  /** The wall-clock time that {@code executionTime} takes on this clock. */
  Duration realDuration(Duration executionTime);

  default void sleep(Duration executionTime) throws InterruptedException {
    Duration real = realDuration(executionTime);
    if (!real.isNegative() && !real.isZero()) {
      Thread.sleep(real);
    }
  }

  static StepClock system() {
    return scaled(1);
  }

  /**
   * A clock running {@code speedup} times faster than the wall clock, starting at the wall clock's
   * now.
   */
  static StepClock scaled(double speedup) {
    if (speedup <= 0) {
      throw new IllegalArgumentException("speedup must be positive: " + speedup);
    }
    Instant origin = Instant.now();
    long originNanos = System.nanoTime();
    return new StepClock() {
      @Override
      public Instant now() {
        if (speedup == 1) {
          return Instant.now();
        }
        return origin.plusNanos((long) ((System.nanoTime() - originNanos) * speedup));
      }

      @Override
      public Duration realDuration(Duration executionTime) {
        return speedup == 1
            ? executionTime
            : Duration.ofNanos((long) (executionTime.toNanos() / speedup));
      }
    };
  }
}
