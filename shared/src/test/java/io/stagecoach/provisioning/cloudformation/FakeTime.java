package io.stagecoach.provisioning.cloudformation;

import io.stagecoach.testing.Fixtures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A clock, a sleeper and a caller's time budget that move together: sleeping only moves the clock
 * on and uses up the budget, so tests that wait for CloudFormation take no time.
 */
final class FakeTime extends Clock
    implements CloudFormationProvisioner.Sleeper, Supplier<Duration> {

  private Instant now = Fixtures.NOW;
  private Duration left;
  private final List<Duration> sleeps = new ArrayList<>();

  FakeTime(Duration budget) {
    this.left = budget;
  }

  /** A fresh budget, as a new invocation of the caller has. */
  void budget(Duration budget) {
    left = budget;
  }

  List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    now = now.plus(duration);
    left = left.minus(duration);
  }

  /** The time the caller has left. */
  @Override
  public Duration get() {
    return left;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the provisioner needs no zone");
  }
}
