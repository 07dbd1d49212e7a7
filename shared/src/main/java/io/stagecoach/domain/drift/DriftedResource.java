package io.stagecoach.domain.drift;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A resource of an environment's stack that no longer matches its deployment: {@code deleted} (it
 * is gone) or {@code modified} (it is there, with the {@code properties} that differ).
 */
public record DriftedResource(
    String logicalId, String type, Difference difference, List<PropertyDifference> properties) {

  public enum Difference {
    DELETED,
    MODIFIED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Difference> fromWire(String value) {
      for (Difference d : values()) {
        if (d.wireName().equals(value)) {
          return Optional.of(d);
        }
      }
      return Optional.empty();
    }
  }

  public DriftedResource {
    properties = List.copyOf(properties);
  }

  public static DriftedResource deleted(String logicalId, String type) {
    return new DriftedResource(logicalId, type, Difference.DELETED, List.of());
  }

  /** {@code Table (AWS::DynamoDB::Table) deleted}. */
  public String describe() {
    return logicalId
        + " ("
        + type
        + ") "
        + difference.wireName()
        + (properties.isEmpty()
            ? ""
            : ": " + String.join(", ", properties.stream().map(PropertyDifference::path).toList()));
  }
}
