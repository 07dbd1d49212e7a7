package io.stagecoach.local.faults;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides, call by call, whether a fault of the current {@link FaultPlan} hits, and counts the
 * faults it injected. The plan can be changed while the local cloud runs; the draws come from one
 * seeded generator, so a run's faults can be told apart from the system's own.
 */
public final class FaultInjector {

  private final Random random;
  private final Map<FaultPlan.Kind, AtomicLong> injected = new EnumMap<>(FaultPlan.Kind.class);
  private volatile FaultPlan plan;

  public FaultInjector(FaultPlan plan, long seed) {
    this.plan = plan;
    this.random = new Random(seed);
    for (FaultPlan.Kind k : FaultPlan.Kind.values()) {
      injected.put(k, new AtomicLong());
    }
  }

  public FaultPlan plan() {
    return plan;
  }

  public void plan(FaultPlan plan) {
    this.plan = plan;
  }

  /** Whether a fault of this kind hits this call (and counts it if it does). */
  public boolean hits(FaultPlan.Kind kind) {
    double rate = plan.rate(kind);
    if (rate <= 0) {
      return false;
    }
    boolean hit;
    synchronized (random) {
      hit = random.nextDouble() < rate;
    }
    if (hit) {
      injected.get(kind).incrementAndGet();
    }
    return hit;
  }

  /** A delay of this kind for this call: zero when it does not hit, else up to its duration. */
  public Duration delay(FaultPlan.Kind kind) {
    if (!hits(kind)) {
      return Duration.ZERO;
    }
    long max = Math.max(1, plan.duration(kind).toMillis());
    synchronized (random) {
      return Duration.ofMillis(1 + (long) (random.nextDouble() * max));
    }
  }

  /** How many faults of each kind were injected so far. */
  public Map<FaultPlan.Kind, Long> injected() {
    Map<FaultPlan.Kind, Long> counts = new EnumMap<>(FaultPlan.Kind.class);
    injected.forEach((k, v) -> counts.put(k, v.get()));
    return counts;
  }
}
