package io.stagecoach.domain.cost;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * List prices the estimator uses, in one currency and one region, with where they were read and
 * when. Each price is per one unit of its Price List unit (one request, one GB-second, one
 * GB-month, one capacity-unit hour) and names the page it comes from. {@code freeTypes} are
 * resource types that cost nothing of their own (an IAM role, an event rule): estimated at zero,
 * knowingly.
 */
public record PriceTable(
    String source,
    String date,
    String region,
    String currency,
    Map<String, Price> prices,
    Set<String> freeTypes) {

  public record Price(BigDecimal amount, String unit, String description, String sourceUrl) {}

  public PriceTable {
    prices = java.util.Collections.unmodifiableMap(new TreeMap<>(prices));
    freeTypes = Set.copyOf(freeTypes);
  }

  public Optional<Price> price(String key) {
    return Optional.ofNullable(prices.get(key));
  }
}
