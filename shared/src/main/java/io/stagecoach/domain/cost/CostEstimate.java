package io.stagecoach.domain.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The monthly cost of an environment before and after a change, for the resources that could be
 * priced, and the difference. Each priced resource is a {@link Line} (with how it was priced); a
 * resource that could not be priced is {@link NotEstimated}, with why, and counts in neither total.
 * {@code assumptions} are the usage figures used; {@code caveats} say what the figures do not cover
 * (another region than the price table's, free tiers, data transfer).
 */
public record CostEstimate(
    String currency,
    BigDecimal monthlyBefore,
    BigDecimal monthlyAfter,
    List<Line> lines,
    List<NotEstimated> notEstimated,
    Map<String, BigDecimal> assumptions,
    PriceSource prices,
    List<String> caveats) {

  /** A priced resource: its monthly cost before (absent if added) and after (absent if removed). */
  public record Line(
      String logicalId,
      String type,
      Optional<BigDecimal> before,
      Optional<BigDecimal> after,
      String basis) {}

  public record NotEstimated(String logicalId, String type, String reason) {}

  /** Where the prices come from: the table's source, date and region. */
  public record PriceSource(String source, String date, String region) {}

  public CostEstimate {
    lines = List.copyOf(lines);
    notEstimated = List.copyOf(notEstimated);
    assumptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(assumptions));
    caveats = List.copyOf(caveats);
  }

  /** After minus before. */
  public BigDecimal delta() {
    return monthlyAfter.subtract(monthlyBefore);
  }
}
