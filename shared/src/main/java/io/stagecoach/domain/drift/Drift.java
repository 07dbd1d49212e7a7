package io.stagecoach.domain.drift;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an environment's last drift check found: its {@code status}, when it ran ({@code checkedAt},
 * empty when never), the {@code resources} that differ (none unless drifted), and the check under
 * way, if one is ({@code checking}).
 */
public record Drift(
    DriftStatus status,
    Optional<Instant> checkedAt,
    List<DriftedResource> resources,
    Optional<DriftCheck> checking) {

  /** Never checked. */
  public static final Drift UNKNOWN =
      new Drift(DriftStatus.UNKNOWN, Optional.empty(), List.of(), Optional.empty());

  public Drift {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(checkedAt, "checkedAt");
    resources = List.copyOf(resources);
    Objects.requireNonNull(checking, "checking");
  }

  /** What a finished check found at {@code at}: drifted when any resource differs. */
  public static Drift found(List<DriftedResource> resources, Instant at) {
    return new Drift(
        resources.isEmpty() ? DriftStatus.IN_SYNC : DriftStatus.DRIFTED,
        Optional.of(at),
        resources,
        Optional.empty());
  }

  public boolean isDrifted() {
    return status == DriftStatus.DRIFTED;
  }

  /** The same finding with {@code check} under way. */
  public Drift checking(DriftCheck check) {
    return new Drift(status, checkedAt, resources, Optional.of(check));
  }

  /** {@code 2 resources differ: Table (AWS::DynamoDB::Table) deleted; ...}. */
  public String describe() {
    return switch (status) {
      case IN_SYNC -> "in sync" + checkedAt.map(at -> " (checked at " + at + ")").orElse("");
      case UNKNOWN -> "not checked yet";
      case DRIFTED ->
          resources.size()
              + (resources.size() == 1 ? " resource differs" : " resources differ")
              + " from its last deployment"
              + checkedAt.map(at -> " (checked at " + at + ")").orElse("")
              + ": "
              + String.join("; ", resources.stream().map(DriftedResource::describe).toList());
    };
  }
}
