package io.stagecoach.domain.cost;

import io.stagecoach.domain.common.FieldError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usage an environment expects each month, which usage-priced resources are estimated with.
 * Each figure is per resource of the kinds it names (two functions are each invoked {@code
 * requestsPerMonth} times). An environment declares the figures it knows; the others keep their
 * default ({@link #DEFAULTS}):
 *
 * <ul>
 *   <li>{@code requestsPerMonth} (1,000,000): API Gateway requests per API, Lambda invocations per
 *       function, executions per express state machine;
 *   <li>{@code averageDurationMs} (200): the duration of one Lambda invocation or express
 *       execution;
 *   <li>{@code readsPerMonth} (1,000,000): read request units per on-demand table, GET requests per
 *       bucket;
 *   <li>{@code writesPerMonth} (100,000): write request units per on-demand table, PUT requests per
 *       bucket;
 *   <li>{@code storageGb} (1): data kept per table and per bucket;
 *   <li>{@code messagesPerMonth} (100,000): messages per queue (each sent, received and deleted:
 *       three requests), publishes per topic, events put on each event bus;
 *   <li>{@code stateTransitionsPerMonth} (100,000): per standard state machine;
 *   <li>{@code logIngestionGbPerMonth} (1): log data written to each log group.
 * </ul>
 *
 * Every figure is a number from 0 to {@value #MAX}.
 */
public record UsageAssumptions(Map<String, BigDecimal> declared) {

  public static final long MAX = 1_000_000_000_000L;

  /** The figures and their defaults, in the order they are shown. */
  public static final Map<String, BigDecimal> DEFAULTS;

  static {
    Map<String, BigDecimal> d = new LinkedHashMap<>();
    d.put("requestsPerMonth", BigDecimal.valueOf(1_000_000));
    d.put("averageDurationMs", BigDecimal.valueOf(200));
    d.put("readsPerMonth", BigDecimal.valueOf(1_000_000));
    d.put("writesPerMonth", BigDecimal.valueOf(100_000));
    d.put("storageGb", BigDecimal.ONE);
    d.put("messagesPerMonth", BigDecimal.valueOf(100_000));
    d.put("stateTransitionsPerMonth", BigDecimal.valueOf(100_000));
    d.put("logIngestionGbPerMonth", BigDecimal.ONE);
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  /** Nothing declared: every figure is its default. */
  public static final UsageAssumptions DEFAULT = new UsageAssumptions(Map.of());

  public UsageAssumptions {
    declared = Collections.unmodifiableMap(new TreeMap<>(declared));
  }

  /**
   * What is wrong with {@code declared} as an environment's usage, one error per figure ({@code
   * usage.<name>}): an unknown name, or a number below 0 or above {@value #MAX}.
   */
  public static List<FieldError> problems(Map<String, BigDecimal> declared) {
    List<FieldError> errors = new ArrayList<>();
    declared.forEach(
        (name, value) -> {
          if (!DEFAULTS.containsKey(name)) {
            errors.add(
                new FieldError(
                    "usage." + name,
                    "is not a usage assumption; known: " + String.join(", ", DEFAULTS.keySet())));
          } else if (value.signum() < 0 || value.compareTo(BigDecimal.valueOf(MAX)) > 0) {
            errors.add(new FieldError("usage." + name, "must be a number from 0 to " + MAX));
          }
        });
    return errors;
  }

  /** The figure in use: declared, else its default. */
  public BigDecimal value(String name) {
    BigDecimal fallback = DEFAULTS.get(name);
    if (fallback == null) {
      throw new IllegalArgumentException("no usage assumption " + name);
    }
    return declared.getOrDefault(name, fallback);
  }

  /** Every figure in use, declared or default, in the order of {@link #DEFAULTS}. */
  public Map<String, BigDecimal> effective() {
    Map<String, BigDecimal> all = new LinkedHashMap<>();
    DEFAULTS.keySet().forEach(k -> all.put(k, value(k)));
    return all;
  }
}
