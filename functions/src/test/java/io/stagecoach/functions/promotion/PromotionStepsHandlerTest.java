package io.stagecoach.functions.promotion;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.audit.AuditEntry;
import io.stagecoach.domain.audit.AuditQuery;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.RecordingPromotionRunner;
import io.stagecoach.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The promotion workflow's steps as the state machine calls them, against DynamoDB Local: each
 * decision is audited once, retried steps included, with the promotion's requester, the stage's
 * status before and after, and a refusing gate's code.
 */
class PromotionStepsHandlerTest {

  /** The workflow engine is this test: starting one only records that it was asked. */
  private static final PromotionRunner STARTS_NOTHING = new RecordingPromotionRunner(false);

  private String table;
  private RegistryService rules;
  private PromotionService promotions;
  private PromotionStepsHandler handler;
  private final TestClock clock = TestClock.ticking(Fixtures.NOW, Duration.ofSeconds(1));

  @BeforeEach
  void shop() {
    table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    RecordingEventPublisher events = new RecordingEventPublisher();
    promotions =
        new PromotionService(
            registry,
            new DynamoDbPromotions(LocalDynamoDb.client(), table),
            STARTS_NOTHING,
            new DeploymentService(
                registry, new DynamoDbDeployments(LocalDynamoDb.client(), table), events),
            events);
    rules = new RegistryService(registry);
    accepted(
        rules.createApp(
            Fixtures.ADMIN,
            new AppSpec(
                "shop",
                Optional.empty(),
                List.of("dev"),
                List.of(),
                Optional.of(EnvironmentTemplate.inline(Fixtures.ORDERS_TEMPLATE))),
            Fixtures.NOW));
    accepted(
        rules.putEnvironment(
            Fixtures.ADMIN,
            "shop",
            "dev",
            Fixtures.pipelineEnvironment("dev"),
            Optional.empty(),
            Fixtures.NOW));
    accepted(
        rules.registerRelease(Fixtures.ADMIN, "shop", Fixtures.release("1.0.0"), Fixtures.NOW));
    handler =
        new PromotionStepsHandler(
            promotions,
            (verification, outputs) -> Optional.empty(),
            new DynamoDbAuditLog(LocalDynamoDb.client(), table),
            clock);
  }

  private static void accepted(Outcome<?> outcome) {
    assertInstanceOf(Outcome.Accepted.class, outcome, outcome.toString());
  }

  private String start(String id) {
    accepted(
        promotions.start(
            Fixtures.DEPLOYER,
            "shop",
            "1.0.0",
            Optional.empty(),
            Optional.empty(),
            id,
            clock.now()));
    return id;
  }

  private Map<String, Object> step(String step, String promotionId, Map<String, Object> more) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("step", step);
    input.put("app", "shop");
    input.put("promotionId", promotionId);
    input.put("stage", Map.of("environment", "dev"));
    input.putAll(more);
    return handler.handleRequest(input, null);
  }

  /** The log, oldest first, one line per entry. */
  private List<String> log() {
    Outcome<Page<AuditEntry>> page =
        new DynamoDbAuditLog(LocalDynamoDb.client(), table)
            .find(
                new AuditQuery(
                    Optional.of("shop"),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty()),
                new PageRequest(Optional.empty(), 100));
    List<String> lines = new ArrayList<>();
    for (AuditEntry e : ((Outcome.Accepted<Page<AuditEntry>>) page).value().items()) {
      lines.add(
          0,
          String.join(
              " ",
              e.principal(),
              e.action(),
              e.target(),
              e.outcome(),
              e.before().orElse("-") + ">" + e.after().orElse("-")));
    }
    return lines;
  }

  @Test
  void aPromotionThroughItsStage_isAuditedDecisionByDecision_onceEvenWhenStepsAreRetried() {
    String id = start("pr-through");

    for (int attempt = 0; attempt < 2; attempt++) {
      assertEquals("deploy", step("enterStage", id, Map.of()).get("next"));
    }
    step("completeStage", id, Map.of("deployed", Map.of("outputs", Map.of())));
    step("promoteStage", id, Map.of());
    for (int attempt = 0; attempt < 2; attempt++) {
      assertEquals("succeeded", step("finish", id, Map.of()).get("status"));
    }

    assertEquals(
        List.of(
            "ci-bot workflow stage.started pr-through/dev accepted pending>deploying",
            "ci-bot workflow stage.deployed pr-through/dev accepted deploying>verifying",
            "ci-bot workflow stage.promoted pr-through/dev accepted verifying>promoted",
            "ci-bot workflow promotion.succeeded pr-through accepted running>succeeded"),
        log());
  }

  @Test
  void aStageItsFreezeRefuses_isAuditedWithTheGateAndCode_thenThePromotionsFailure() {
    String id = start("pr-frozen");
    accepted(rules.freeze(Fixtures.ADMIN, "shop", "dev", "incident 7", clock.now()));

    assertThrows(GateClosed.class, () -> step("enterStage", id, Map.of()));
    for (int attempt = 0; attempt < 2; attempt++) {
      assertEquals(
          "failed",
          step(
                  "fail",
                  id,
                  Map.of("error", Map.of("Error", "Gate.Closed", "Cause", "frozen (incident 7)")))
              .get("status"));
    }

    assertEquals(
        List.of(
            "ci-bot workflow stage.failed pr-frozen/dev frozen pending>failed",
            "ci-bot workflow promotion.failed pr-frozen frozen running>failed"),
        log());
    AuditEntry refused =
        ((Outcome.Accepted<Page<AuditEntry>>)
                new DynamoDbAuditLog(LocalDynamoDb.client(), table)
                    .find(
                        new AuditQuery(
                            Optional.empty(),
                            Optional.of("dev"),
                            Optional.empty(),
                            Optional.of("workflow stage.failed"),
                            Optional.empty(),
                            Optional.empty()),
                        new PageRequest(Optional.empty(), 10)))
            .value()
            .items()
            .get(0);
    assertEquals("workflow", refused.surface());
    assertEquals(409, refused.status());
    assertTrue(refused.detail().orElseThrow().startsWith("gate freeze: "), refused.toString());
    assertTrue(refused.detail().orElseThrow().contains("incident 7"), refused.toString());
  }

  @Test
  void aLogThatCannotRecord_neverFailsAStep() {
    handler =
        new PromotionStepsHandler(
            promotions,
            (verification, outputs) -> Optional.empty(),
            new DynamoDbAuditLog(LocalDynamoDb.client(), "no-such-table-" + System.nanoTime()),
            clock);
    String id = start("pr-unlogged");

    assertEquals("deploy", step("enterStage", id, Map.of()).get("next"));
    assertEquals(
        Promotion.StageStatus.DEPLOYING,
        ((Outcome.Accepted<Promotion>) promotions.get("shop", id))
            .value()
            .stage("dev")
            .orElseThrow()
            .status());
  }
}
