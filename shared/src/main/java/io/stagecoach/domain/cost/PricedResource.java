package io.stagecoach.domain.cost;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One resource of a stack as a price is read from it: its logical id, type and properties,
 * flattened to paths ({@code BillingMode}, {@code ProvisionedThroughput.ReadCapacityUnits}, {@code
 * Architectures.0}) with scalar values as text. A value the template leaves to an intrinsic
 * function that was not resolved is kept as that function's JSON: not a plain value, so a price
 * read from it is not estimated rather than taken from a default.
 */
public record PricedResource(String logicalId, String type, Map<String, String> properties) {

  public PricedResource {
    properties = java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  public Optional<String> property(String path) {
    return Optional.ofNullable(properties.get(path));
  }
}
