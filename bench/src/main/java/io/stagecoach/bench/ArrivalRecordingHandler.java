package io.stagecoach.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The EventBridge target of the benchmark: notes {@code System.nanoTime()} as soon as it is
 * invoked, under the event's {@code detail.seq}, and wakes the sender waiting for that event. The
 * local cloud constructs the handler itself, so the record it writes to is the static {@link
 * Arrivals#current()}.
 */
public final class ArrivalRecordingHandler implements RequestHandler<Map<String, Object>, String> {

  @Override
  public String handleRequest(Map<String, Object> event, Context context) {
    long now = System.nanoTime();
    Map<?, ?> detail = (Map<?, ?>) event.get("detail");
    Arrivals.current().arrived(((Number) detail.get("seq")).intValue(), now);
    return "recorded";
  }

  /** When each event of one measured series reached the handler; a slot per event. */
  static final class Arrivals {
    private static volatile Arrivals current = new Arrivals(0);

    private final AtomicLongArray at;
    private final AtomicReferenceArray<Thread> waiters;

    Arrivals(int events) {
      at = new AtomicLongArray(events);
      waiters = new AtomicReferenceArray<>(events);
    }

    static Arrivals current() {
      return current;
    }

    /** A fresh record for a series of {@code events} events, numbered from 0. */
    static Arrivals startSeries(int events) {
      Arrivals a = new Arrivals(events);
      current = a;
      return a;
    }

    void arrived(int seq, long nanos) {
      // At-least-once delivery may bring an event twice: the first arrival counts.
      if (at.compareAndSet(seq, 0, nanos)) {
        Thread waiter = waiters.get(seq);
        if (waiter != null) {
          LockSupport.unpark(waiter);
        }
      }
    }

    /**
     * Call before sending event {@code seq}: the calling thread is the one {@link #await} wakes.
     */
    void expect(int seq) {
      waiters.set(seq, Thread.currentThread());
    }

    /** When event {@code seq} arrived ({@code System.nanoTime()}); waits for it. */
    long await(int seq, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long t;
      while ((t = at.get(seq)) == 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "event " + seq + " did not reach its target within " + timeout);
        }
        LockSupport.parkNanos(this, Math.min(left, 1_000_000));
      }
      return t;
    }
  }
}
