package io.stagecoach.domain.cost;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.pricing.PriceTableJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Prices from the price table kept in the repository, with figures worked out by hand. */
class CostEstimatorTest {

  private final CostEstimator estimator = new CostEstimator(PriceTableJson.bundled());

  private static PricedResource resource(String id, String type, Map<String, String> properties) {
    return new PricedResource(id, type, properties);
  }

  private static BigDecimal usd(String amount) {
    return new BigDecimal(amount);
  }

  private CostEstimate.Line line(CostEstimate estimate, String id) {
    return estimate.lines().stream()
        .filter(l -> l.logicalId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void pricesEachKnownType_beforeAndAfter_andListsTheUnknownOnesApart() {
    PricedResource lambda = resource("Fn", "AWS::Lambda::Function", Map.of("MemorySize", "512"));
    PricedResource role = resource("Role", "AWS::IAM::Role", Map.of());
    PricedResource box = resource("Box", "AWS::EC2::Instance", Map.of("InstanceType", "t3.micro"));
    List<PricedResource> before =
        List.of(
            resource("Ledger", "AWS::DynamoDB::Table", Map.of("BillingMode", "PAY_PER_REQUEST")),
            lambda,
            resource("Api", "AWS::ApiGateway::RestApi", Map.of()),
            role,
            box);
    List<PricedResource> after =
        List.of(
            resource(
                "Ledger",
                "AWS::DynamoDB::Table",
                Map.of(
                    "ProvisionedThroughput.ReadCapacityUnits", "5",
                    "ProvisionedThroughput.WriteCapacityUnits", "5")),
            lambda,
            resource("Queue", "AWS::SQS::Queue", Map.of()),
            role,
            box);

    CostEstimate estimate =
        estimator.estimate(before, after, Map.of(), UsageAssumptions.DEFAULT, "us-east-1");

    // On demand: 1M reads 0.125 + 100k writes 0.0625 + 1 GB 0.25; provisioned: (5 x 0.00013 + 5 x
    // 0.00065) x 730 h + 0.25.
    assertEquals(Optional.of(usd("0.44")), line(estimate, "Ledger").before());
    assertEquals(Optional.of(usd("3.10")), line(estimate, "Ledger").after());
    // 1M requests 0.20 + 1M x 0.2 s x 0.5 GB = 100,000 GB-s x 0.0000166667.
    assertEquals(Optional.of(usd("1.87")), line(estimate, "Fn").after());
    assertEquals(Optional.of(usd("3.50")), line(estimate, "Api").before());
    assertEquals(Optional.empty(), line(estimate, "Api").after());
    // 100k messages, 3 requests each, 0.40 per million.
    assertEquals(Optional.of(usd("0.12")), line(estimate, "Queue").after());
    assertEquals(Optional.of(usd("0.00")), line(estimate, "Role").after());
    assertEquals(usd("5.81"), estimate.monthlyBefore());
    assertEquals(usd("5.09"), estimate.monthlyAfter());
    assertEquals(usd("-0.72"), estimate.delta());
    assertEquals(
        List.of(
            new CostEstimate.NotEstimated(
                "Box",
                "AWS::EC2::Instance",
                "the price table has no price for AWS::EC2::Instance")),
        estimate.notEstimated());
    assertEquals("us-east-1", estimate.prices().region());
    assertFalse(estimate.prices().date().isBlank());
  }

  @Test
  void usageTheEnvironmentDeclares_replacesTheDefault_perResource() {
    UsageAssumptions usage =
        new UsageAssumptions(Map.of("requestsPerMonth", BigDecimal.valueOf(10_000_000)));
    List<PricedResource> apis =
        List.of(
            resource("Rest", "AWS::ApiGateway::RestApi", Map.of()),
            resource("Http", "AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "HTTP")));

    CostEstimate estimate = estimator.estimate(List.of(), apis, Map.of(), usage, "us-east-1");

    assertEquals(Optional.of(usd("35.00")), line(estimate, "Rest").after());
    assertEquals(Optional.of(usd("10.00")), line(estimate, "Http").after());
    assertEquals(BigDecimal.valueOf(10_000_000), estimate.assumptions().get("requestsPerMonth"));
    assertEquals(BigDecimal.valueOf(200), estimate.assumptions().get("averageDurationMs"));
  }

  @Test
  void theOtherKnownTypes_arePricedAsDocumented() {
    List<PricedResource> after =
        List.of(
            resource("Arm", "AWS::Lambda::Function", Map.of("Architectures.0", "arm64")),
            resource("Fifo", "AWS::SQS::Queue", Map.of("FifoQueue", "true")),
            resource("Topic", "AWS::SNS::Topic", Map.of()),
            resource("Bucket", "AWS::S3::Bucket", Map.of()),
            resource("Flow", "AWS::StepFunctions::StateMachine", Map.of()),
            resource(
                "Fast", "AWS::StepFunctions::StateMachine", Map.of("StateMachineType", "EXPRESS")),
            resource("Bus", "AWS::Events::EventBus", Map.of()),
            resource("Logs", "AWS::Logs::LogGroup", Map.of("RetentionInDays", "14")),
            resource("Forever", "AWS::Logs::LogGroup", Map.of()),
            resource("Param", "AWS::SSM::Parameter", Map.of("Type", "String")));

    CostEstimate estimate =
        estimator.estimate(List.of(), after, Map.of(), UsageAssumptions.DEFAULT, "us-east-1");

    Map<String, String> expected =
        Map.of(
            "Arm", "0.53", // 0.20 + 25,000 GB-s x 0.0000133334
            "Fifo", "0.15", // 300k requests x 0.50 per million
            "Topic", "0.05", // 100k publishes x 0.50 per million
            "Bucket", "0.92", // 1 GB 0.023 + 100k PUT 0.50 + 1M GET 0.40
            "Flow", "2.50", // 100k transitions x 0.025 per thousand
            "Fast", "1.21", // 1M requests 1.00 + 12,500 GB-s x 0.00001667
            "Bus", "0.10", // 100k events x 1.00 per million
            "Logs", "0.51", // 1 GB ingested 0.50 + 14/30 GB kept x 0.03
            "Forever", "0.87", // 0.50 + 365/30 GB kept x 0.03
            "Param", "0.00");
    expected.forEach(
        (id, amount) -> assertEquals(Optional.of(usd(amount)), line(estimate, id).after(), id));
    assertEquals(List.of(), estimate.notEstimated());
  }

  @Test
  void aResourceThatCannotBePriced_isNeverCountedAsZero() {
    List<PricedResource> after =
        List.of(
            resource("Memory", "AWS::Lambda::Function", Map.of("MemorySize", "{\"Ref\":\"Size\"}")),
            resource("Ws", "AWS::ApiGatewayV2::Api", Map.of("ProtocolType", "WEBSOCKET")),
            resource(
                "Ia", "AWS::DynamoDB::Table", Map.of("TableClass", "STANDARD_INFREQUENT_ACCESS")),
            resource("Bare", "AWS::DynamoDB::Table", Map.of()));

    CostEstimate estimate =
        estimator.estimate(
            List.of(),
            after,
            Map.of("Gone", "AWS::SNS::Topic"),
            UsageAssumptions.DEFAULT,
            "eu-west-1");

    assertEquals(List.of(), estimate.lines());
    assertEquals(usd("0.00"), estimate.monthlyAfter());
    assertEquals(
        List.of("Bare", "Ia", "Memory", "Ws", "Gone"),
        estimate.notEstimated().stream().map(CostEstimate.NotEstimated::logicalId).toList());
    assertTrue(
        estimate.notEstimated().get(0).reason().contains("ProvisionedThroughput.ReadCapacityUnits"),
        estimate.notEstimated().get(0).reason());
    assertEquals("its properties could not be read", estimate.notEstimated().get(4).reason());
    assertTrue(
        estimate.caveats().get(0).contains("eu-west-1"), "another region than the table's is said");
  }

  @Test
  void usage_refusesUnknownFigures_andNumbersOutOfRange_namingEachField() {
    assertEquals(
        List.of(
            new FieldError(
                "usage.requests",
                "is not a usage assumption; known: "
                    + String.join(", ", UsageAssumptions.DEFAULTS.keySet())),
            new FieldError("usage.storageGb", "must be a number from 0 to 1000000000000")),
        UsageAssumptions.problems(
            new java.util.TreeMap<>(
                Map.of("requests", BigDecimal.ONE, "storageGb", BigDecimal.valueOf(-1)))));
    assertEquals(
        List.of(),
        UsageAssumptions.problems(Map.of("requestsPerMonth", new BigDecimal("2500000.5"))));
    assertEquals(BigDecimal.valueOf(1_000_000), UsageAssumptions.DEFAULT.value("requestsPerMonth"));
  }
}
