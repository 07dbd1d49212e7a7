package io.stagecoach.local.stepfunctions.asl;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Time as executions see it: now, sleeping for a duration of that time, sleeping until an instant
 * of it, and waiting for an answer until a deadline of it. Tests run Wait, Retry and timeouts on a
 * sped-up clock (one second of execution time in a millisecond) instead of sleeping; the local
 * cloud runs them on its own clock, which can be moved forward: a clock that jumps overrides {@link
 * #sleepUntil} and {@link #await} so that a jump past the instant waited for ends the wait at once.
 */
public interface StepClock {

  Instant now();

  /** The wall-clock time that {@code executionTime} takes on this clock, if it is not moved. */
  Duration realDuration(Duration executionTime);

  default void sleep(Duration executionTime) throws InterruptedException {
    Duration real = realDuration(executionTime);
    if (!real.isNegative() && !real.isZero()) {
      Thread.sleep(real);
    }
  }

  /** Returns once this clock reads {@code at} or later. */
  default void sleepUntil(Instant at) throws InterruptedException {
    Duration left = Duration.between(now(), at);
    if (left.isPositive()) {
      sleep(left);
    }
  }

  /**
   * {@code answer}'s value once it completes, unless this clock reads {@code deadline} first.
   *
   * @throws TimeoutException when the deadline came first
   * @throws ExecutionException when the answer completed exceptionally
   */
  default <T> T await(CompletableFuture<T> answer, Instant deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (answer.isDone()) {
      return answer.get();
    }
    Duration left = Duration.between(now(), deadline);
    if (!left.isPositive()) {
      throw new TimeoutException();
    }
    return answer.get(Math.max(1, realDuration(left).toNanos()), TimeUnit.NANOSECONDS);
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
