package io.stagecoach.domain.cost;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prices a stack's resources for a month from a {@link PriceTable} and an environment's {@link
 * UsageAssumptions}, before and after a change. What it knows how to price:
 *
 * <ul>
 *   <li>{@code AWS::DynamoDB::Table}: on demand ({@code BillingMode: PAY_PER_REQUEST}), reads and
 *       writes as request units, plus storage; provisioned (CloudFormation's default), the table's
 *       and its global secondary indexes' capacity units for {@value #HOURS_PER_MONTH} hours, plus
 *       storage;
 *   <li>{@code AWS::Lambda::Function}: requests, and GB-seconds from {@code MemorySize} (128 MB by
 *       default) and the average duration, at the price of its architecture;
 *   <li>{@code AWS::ApiGateway::RestApi} (REST) and {@code AWS::ApiGatewayV2::Api} (HTTP) requests;
 *   <li>{@code AWS::SQS::Queue}, standard or FIFO: three requests per message;
 *   <li>{@code AWS::SNS::Topic} (standard): publishes;
 *   <li>{@code AWS::S3::Bucket}: standard storage, PUT and GET requests;
 *   <li>{@code AWS::StepFunctions::StateMachine}: state transitions (standard), or requests and
 *       GB-seconds at 64 MB (express);
 *   <li>{@code AWS::Events::EventBus}: custom events put on it;
 *   <li>{@code AWS::Logs::LogGroup}: ingestion, and storage of what its retention keeps (a year's
 *       data when it never expires);
 *   <li>{@code AWS::SSM::Parameter} of the standard tier, and the price table's free types, at
 *       zero.
 * </ul>
 *
 * Anything else, or a resource whose pricing properties are not plain values, is not estimated and
 * counts in neither total.
 */
public final class CostEstimator {

  /** The month of AWS's price pages: 730 hours. */
  static final int HOURS_PER_MONTH = 730;

  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal EXPRESS_GB = new BigDecimal("0.0625");
  private static final Pattern INDEX_THROUGHPUT =
      Pattern.compile(
          "GlobalSecondaryIndexes\\.\\d+\\.ProvisionedThroughput\\.(Read|Write)CapacityUnits");

  private final PriceTable prices;

  public CostEstimator(PriceTable prices) {
    this.prices = prices;
  }

  public PriceTable prices() {
    return prices;
  }

  /**
   * @param before the stack's resources before the change
   * @param after the stack's resources after it
   * @param unread resources the change touches whose properties could not be read, by logical id
   *     with their type: not estimated
   * @param region the environment's region, compared with the price table's
   */
  public CostEstimate estimate(
      List<PricedResource> before,
      List<PricedResource> after,
      Map<String, String> unread,
      UsageAssumptions usage,
      String region) {
    Map<String, PricedResource> was = byId(before);
    Map<String, PricedResource> will = byId(after);
    TreeSet<String> ids = new TreeSet<>(was.keySet());
    ids.addAll(will.keySet());
    List<CostEstimate.Line> lines = new ArrayList<>();
    List<CostEstimate.NotEstimated> notEstimated = new ArrayList<>();
    BigDecimal totalBefore = BigDecimal.ZERO.setScale(2);
    BigDecimal totalAfter = BigDecimal.ZERO.setScale(2);
    for (String id : ids) {
      PricedResource b = was.get(id);
      PricedResource a = will.get(id);
      String type = (a != null ? a : b).type();
      if (unread.containsKey(id)) {
        notEstimated.add(
            new CostEstimate.NotEstimated(id, type, "its properties could not be read"));
        continue;
      }
      Priced pb = b == null ? null : price(b, usage);
      Priced pa = a == null ? null : price(a, usage);
      Optional<String> unknown =
          pa instanceof Priced.Unknown u
              ? Optional.of(u.reason())
              : pb instanceof Priced.Unknown u ? Optional.of(u.reason()) : Optional.empty();
      if (unknown.isPresent()) {
        notEstimated.add(new CostEstimate.NotEstimated(id, type, unknown.get()));
        continue;
      }
      Optional<BigDecimal> costBefore = Optional.ofNullable(pb).map(p -> ((Priced.Cost) p).cents());
      Optional<BigDecimal> costAfter = Optional.ofNullable(pa).map(p -> ((Priced.Cost) p).cents());
      String basis = ((Priced.Cost) (pa != null ? pa : pb)).basis();
      lines.add(new CostEstimate.Line(id, type, costBefore, costAfter, basis));
      totalBefore = totalBefore.add(costBefore.orElse(BigDecimal.ZERO));
      totalAfter = totalAfter.add(costAfter.orElse(BigDecimal.ZERO));
    }
    new TreeMap<>(unread)
        .forEach(
            (id, type) -> {
              if (!ids.contains(id)) {
                notEstimated.add(
                    new CostEstimate.NotEstimated(id, type, "its properties could not be read"));
              }
            });
    List<String> caveats = new ArrayList<>();
    if (!prices.region().equals(region)) {
      caveats.add(
          "prices are "
              + prices.region()
              + " list prices; the environment is in "
              + region
              + ", where they may differ");
    }
    caveats.add("list prices without free tiers, data transfer, backups or taxes");
    return new CostEstimate(
        prices.currency(),
        totalBefore,
        totalAfter,
        lines,
        notEstimated,
        usage.effective(),
        new CostEstimate.PriceSource(prices.source(), prices.date(), prices.region()),
        caveats);
  }

  private static Map<String, PricedResource> byId(List<PricedResource> resources) {
    Map<String, PricedResource> byId = new TreeMap<>();
    resources.forEach(r -> byId.put(r.logicalId(), r));
    return byId;
  }

  /** A resource's monthly price, or why there is none. */
  private sealed interface Priced {
    record Cost(BigDecimal amount, String basis) implements Priced {
      BigDecimal cents() {
        return amount.setScale(2, RoundingMode.HALF_UP);
      }
    }

    record Unknown(String reason) implements Priced {}
  }

  /** Thrown inside one resource's pricing when a price or a property it needs is missing. */
  private static final class Unpriceable extends RuntimeException {
    Unpriceable(String reason) {
      super(reason, null, false, false);
    }
  }

  private Priced price(PricedResource r, UsageAssumptions usage) {
    try {
      return switch (r.type()) {
        case "AWS::DynamoDB::Table" -> table(r, usage);
        case "AWS::Lambda::Function" -> function(r, usage);
        case "AWS::ApiGateway::RestApi" ->
            perUnit("apigateway.rest.requests", usage.value("requestsPerMonth"), "REST API");
        case "AWS::ApiGatewayV2::Api" -> httpApi(r, usage);
        case "AWS::SQS::Queue" -> queue(r, usage);
        case "AWS::SNS::Topic" -> topic(r, usage);
        case "AWS::S3::Bucket" -> bucket(usage);
        case "AWS::StepFunctions::StateMachine" -> stateMachine(r, usage);
        case "AWS::Events::EventBus" ->
            perUnit("eventbridge.customEvents", usage.value("messagesPerMonth"), "custom events");
        case "AWS::Logs::LogGroup" -> logGroup(r, usage);
        case "AWS::SSM::Parameter" -> parameter(r);
        default ->
            prices.freeTypes().contains(r.type())
                ? new Priced.Cost(BigDecimal.ZERO, "no charge of its own")
                : new Priced.Unknown("the price table has no price for " + r.type());
      };
    } catch (Unpriceable e) {
      return new Priced.Unknown(e.getMessage());
    }
  }

  private Priced table(PricedResource r, UsageAssumptions usage) {
    if (r.property("TableClass").filter(c -> !c.equals("STANDARD")).isPresent()) {
      throw new Unpriceable("the price table has the STANDARD table class only");
    }
    BigDecimal storage = usage.value("storageGb");
    BigDecimal stored = storage.multiply(unit("dynamodb.storageGbMonth"));
    if (r.property("BillingMode").orElse("PROVISIONED").equals("PAY_PER_REQUEST")) {
      BigDecimal reads = usage.value("readsPerMonth");
      BigDecimal writes = usage.value("writesPerMonth");
      return new Priced.Cost(
          reads
              .multiply(unit("dynamodb.onDemand.readRequestUnit"))
              .add(writes.multiply(unit("dynamodb.onDemand.writeRequestUnit")))
              .add(stored),
          "on demand: "
              + plain(reads)
              + " reads, "
              + plain(writes)
              + " writes, "
              + plain(storage)
              + " GB a month");
    }
    BigDecimal rcu = number(r, "ProvisionedThroughput.ReadCapacityUnits");
    BigDecimal wcu = number(r, "ProvisionedThroughput.WriteCapacityUnits");
    for (Map.Entry<String, String> p : r.properties().entrySet()) {
      Matcher m = INDEX_THROUGHPUT.matcher(p.getKey());
      if (m.matches()) {
        BigDecimal units = number(r, p.getKey());
        if (m.group(1).equals("Read")) {
          rcu = rcu.add(units);
        } else {
          wcu = wcu.add(units);
        }
      }
    }
    BigDecimal hours = BigDecimal.valueOf(HOURS_PER_MONTH);
    return new Priced.Cost(
        rcu.multiply(unit("dynamodb.provisioned.readCapacityUnitHour"))
            .add(wcu.multiply(unit("dynamodb.provisioned.writeCapacityUnitHour")))
            .multiply(hours)
            .add(stored),
        "provisioned: "
            + plain(rcu)
            + " RCU, "
            + plain(wcu)
            + " WCU for "
            + HOURS_PER_MONTH
            + " h, "
            + plain(storage)
            + " GB");
  }

  private Priced function(PricedResource r, UsageAssumptions usage) {
    BigDecimal memory =
        r.property("MemorySize").isPresent() ? number(r, "MemorySize") : BigDecimal.valueOf(128);
    String architecture = r.property("Architectures.0").orElse("x86_64");
    if (!architecture.equals("x86_64") && !architecture.equals("arm64")) {
      throw new Unpriceable("unknown architecture " + architecture);
    }
    BigDecimal requests = usage.value("requestsPerMonth");
    BigDecimal milliseconds = usage.value("averageDurationMs");
    BigDecimal gbSeconds =
        requests
            .multiply(milliseconds)
            .divide(THOUSAND, MathContext.DECIMAL64)
            .multiply(memory.divide(BigDecimal.valueOf(1024), MathContext.DECIMAL64));
    return new Priced.Cost(
        requests
            .multiply(unit("lambda.request"))
            .add(gbSeconds.multiply(unit("lambda.gbSecond." + architecture))),
        plain(requests)
            + " invocations of "
            + plain(milliseconds)
            + " ms at "
            + plain(memory)
            + " MB, "
            + architecture);
  }

  private Priced httpApi(PricedResource r, UsageAssumptions usage) {
    String protocol = r.property("ProtocolType").orElse("");
    if (!protocol.equals("HTTP")) {
      throw new Unpriceable(
          "the price table prices HTTP APIs only, not " + (protocol.isEmpty() ? "?" : protocol));
    }
    return perUnit("apigateway.http.requests", usage.value("requestsPerMonth"), "HTTP API");
  }

  private Priced queue(PricedResource r, UsageAssumptions usage) {
    boolean fifo = r.property("FifoQueue").map(Boolean::parseBoolean).orElse(false);
    BigDecimal messages = usage.value("messagesPerMonth");
    BigDecimal requests = messages.multiply(BigDecimal.valueOf(3));
    return new Priced.Cost(
        requests.multiply(unit(fifo ? "sqs.fifo.request" : "sqs.standard.request")),
        plain(messages)
            + " messages ("
            + plain(requests)
            + " requests), "
            + (fifo ? "FIFO" : "standard"));
  }

  private Priced topic(PricedResource r, UsageAssumptions usage) {
    if (r.property("FifoTopic").map(Boolean::parseBoolean).orElse(false)) {
      throw new Unpriceable("FIFO topics are not in the price table");
    }
    return perUnit("sns.standard.publish", usage.value("messagesPerMonth"), "publishes");
  }

  private Priced bucket(UsageAssumptions usage) {
    BigDecimal storage = usage.value("storageGb");
    BigDecimal writes = usage.value("writesPerMonth");
    BigDecimal reads = usage.value("readsPerMonth");
    return new Priced.Cost(
        storage
            .multiply(unit("s3.standard.storageGbMonth"))
            .add(writes.multiply(unit("s3.standard.putRequest")))
            .add(reads.multiply(unit("s3.standard.getRequest"))),
        "standard: " + plain(storage) + " GB, " + plain(writes) + " PUT, " + plain(reads) + " GET");
  }

  private Priced stateMachine(PricedResource r, UsageAssumptions usage) {
    String type = r.property("StateMachineType").orElse("STANDARD");
    if (type.equals("EXPRESS")) {
      BigDecimal requests = usage.value("requestsPerMonth");
      BigDecimal milliseconds = usage.value("averageDurationMs");
      BigDecimal gbSeconds =
          requests
              .multiply(milliseconds)
              .divide(THOUSAND, MathContext.DECIMAL64)
              .multiply(EXPRESS_GB);
      return new Priced.Cost(
          requests
              .multiply(unit("stepfunctions.express.request"))
              .add(gbSeconds.multiply(unit("stepfunctions.express.gbSecond"))),
          "express: " + plain(requests) + " executions of " + plain(milliseconds) + " ms at 64 MB");
    }
    if (!type.equals("STANDARD")) {
      throw new Unpriceable("unknown state machine type " + type);
    }
    return perUnit(
        "stepfunctions.standard.stateTransition",
        usage.value("stateTransitionsPerMonth"),
        "state transitions");
  }

  private Priced logGroup(PricedResource r, UsageAssumptions usage) {
    BigDecimal ingested = usage.value("logIngestionGbPerMonth");
    Optional<String> retention = r.property("RetentionInDays");
    BigDecimal days =
        retention.isPresent() ? number(r, "RetentionInDays") : BigDecimal.valueOf(365);
    BigDecimal kept = ingested.multiply(days).divide(BigDecimal.valueOf(30), MathContext.DECIMAL64);
    return new Priced.Cost(
        ingested.multiply(unit("logs.ingestionGb")).add(kept.multiply(unit("logs.storageGbMonth"))),
        plain(ingested)
            + " GB ingested, kept "
            + (retention.isPresent() ? plain(days) + " days" : "without expiry (a year counted)"));
  }

  private static Priced parameter(PricedResource r) {
    String tier = r.property("Tier").orElse("Standard");
    if (!tier.equals("Standard")) {
      throw new Unpriceable(tier + " parameters are not in the price table");
    }
    return new Priced.Cost(BigDecimal.ZERO, "standard parameter: no charge");
  }

  private Priced perUnit(String key, BigDecimal units, String what) {
    return new Priced.Cost(units.multiply(unit(key)), plain(units) + " " + what);
  }

  private BigDecimal unit(String key) {
    return prices
        .price(key)
        .orElseThrow(() -> new Unpriceable("the price table has no " + key))
        .amount();
  }

  private static BigDecimal number(PricedResource r, String path) {
    String text =
        r.property(path).orElseThrow(() -> new Unpriceable(path + " is not a plain value"));
    try {
      BigDecimal value = new BigDecimal(text);
      if (value.signum() < 0) {
        throw new Unpriceable(path + " is negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new Unpriceable(path + " is not a number: " + text);
    }
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }
}
