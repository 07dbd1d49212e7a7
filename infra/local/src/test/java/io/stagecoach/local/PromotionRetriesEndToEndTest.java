package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.promotion.PromotionStepsHandler;
import io.stagecoach.local.stepfunctions.StepFunctionsService;
import io.stagecoach.local.stepfunctions.asl.Run;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.MisbehavingRegistry;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 6, on the local cloud from the synthesized template: a promotion step that fails
 * for a passing reason (a conditional write lost to a concurrent writer, a DynamoDB throttle past
 * the SDK's retries) is retried by the workflow and the promotion succeeds; a business refusal (a
 * frozen stage) ends the promotion at once, with its reason, and is never retried.
 */
class PromotionRetriesEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TRANSIENT = "io.stagecoach.functions.promotion.Transient";
  private static final String GATE_CLOSED = "io.stagecoach.functions.promotion.GateClosed";

  /**
   * The promotions of app {@code flaky} lose a race promoting dev, and are throttled in staging.
   */
  private static final MisbehavingRegistry.Faults FAULTS =
      new MisbehavingRegistry.Faults("flaky", "dev", "staging");

  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient admin;

  @BeforeAll
  static void start() throws Exception {
    cloud =
        LocalCloud.start(
            LocalCloud.Options.defaults(dir)
                .withPort(0)
                .withHandlerConstructor(
                    PromotionStepsHandler.class.getName(),
                    (env, clock) -> MisbehavingRegistry.promotionSteps(env, clock, FAULTS)));
    admin = new ApiClient(cloud.endpoint(), cloud.adminToken());
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  /** {@code app}: dev, then staging, neither approved nor verified; release 1.0.0. */
  private static void registerApp(String app) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", app);
    body.putArray("pipeline").add("dev").add("staging");
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ApiClient.Reply created = admin.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    for (String env : List.of("dev", "staging")) {
      ApiClient.Reply put =
          admin.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env,
              "{\"tier\":\"" + env + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
      assertEquals(201, put.status(), put.body());
    }
    ApiClient.Reply release =
        admin.send(
            "POST",
            "/v1/apps/" + app + "/releases",
            "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://artifacts/1.0.0.zip\",\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}");
    assertEquals(201, release.status(), release.body());
  }

  private static String promote(String app) {
    ApiClient.Reply r =
        admin.send("POST", "/v1/apps/" + app + "/promotions", "{\"version\":\"1.0.0\"}");
    assertEquals(202, r.status(), r.body());
    return r.json().path("promotionId").asText();
  }

  private static JsonNode await(String app, String id, Predicate<JsonNode> until) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    JsonNode p = null;
    while (Instant.now().isBefore(deadline)) {
      p = admin.get("/v1/apps/" + app + "/promotions/" + id).json();
      if (until.test(p)) {
        return p;
      }
      Thread.sleep(100);
    }
    fail("promotion " + id + " never ended: " + p);
    return p;
  }

  private static Predicate<JsonNode> ended() {
    return p -> List.of("succeeded", "failed", "superseded").contains(p.path("status").asText());
  }

  /** The promotion's execution, once it has ended. */
  private static StepFunctionsService.Execution execution(String promotionId) throws Exception {
    String machine =
        cloud.stateMachines().stream()
            .filter(arn -> arn.endsWith("-promotion"))
            .findFirst()
            .orElseThrow();
    String arn = machine.replace(":stateMachine:", ":execution:") + ":" + promotionId;
    assertTrue(cloud.stepFunctions().awaitEnd(arn, Duration.ofSeconds(30)), arn);
    return cloud.stepFunctions().execution(arn).orElseThrow();
  }

  /** A failed task of the history: the state it ran in, the error and its cause. */
  record TaskFailure(String state, String stage, String error, String cause) {}

  /** The states entered, in order, each with its stage's environment where it has one. */
  record Entered(String state, String stage) {}

  private static List<Entered> entered(List<Run.HistoryEvent> history) {
    List<Entered> entered = new ArrayList<>();
    for (Run.HistoryEvent e : history) {
      if (e.type().endsWith("StateEntered")) {
        entered.add(
            new Entered(
                e.details().path("name").asText(), stageOf(e.details().path("input").asText())));
      }
    }
    return entered;
  }

  private static List<TaskFailure> failures(List<Run.HistoryEvent> history) {
    List<TaskFailure> failures = new ArrayList<>();
    Entered current = null;
    for (Run.HistoryEvent e : history) {
      if (e.type().endsWith("StateEntered")) {
        current =
            new Entered(
                e.details().path("name").asText(), stageOf(e.details().path("input").asText()));
      } else if (e.type().equals("TaskFailed")) {
        failures.add(
            new TaskFailure(
                current.state(),
                current.stage(),
                e.details().path("error").asText(),
                e.details().path("cause").asText()));
      }
    }
    return failures;
  }

  private static String stageOf(String input) {
    try {
      return JSON.readTree(input).path("stage").path("environment").asText("");
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void aLostConditionalWrite_andAThrottledWrite_areRetriedByTheWorkflow_andThePromotionSucceeds()
      throws Exception {
    registerApp("flaky");
    String id = promote("flaky");

    JsonNode done = await("flaky", id, ended());

    assertEquals("succeeded", done.path("status").asText(), done.toString());
    assertEquals("promoted", done.path("stages").path(0).path("status").asText());
    assertEquals("promoted", done.path("stages").path(1).path("status").asText());
    assertEquals(1, FAULTS.races(), "a concurrent writer won one race");
    assertEquals(1, FAULTS.throttles(), "DynamoDB throttled one write");
    List<TaskFailure> failures = failures(execution(id).history());
    assertEquals(2, failures.size(), failures.toString());
    assertEquals("Promote stage", failures.get(0).state(), failures.toString());
    assertEquals("dev", failures.get(0).stage());
    assertEquals(TRANSIENT, failures.get(0).error());
    assertTrue(
        failures.get(0).cause().contains("changed while this step ran"), failures.get(0).cause());
    assertEquals("Complete stage", failures.get(1).state(), failures.toString());
    assertEquals("staging", failures.get(1).stage());
    assertEquals(TRANSIENT, failures.get(1).error());
    assertTrue(
        failures.get(1).cause().contains("ProvisionedThroughputExceededException"),
        failures.get(1).cause());
    List<Entered> states = entered(execution(id).history());
    assertEquals(
        1,
        states.stream()
            .filter(s -> s.state().equals("Promote stage") && s.stage().equals("dev"))
            .count(),
        "retried inside the state, not entered again: " + states);
    assertFalse(
        states.stream().anyMatch(s -> s.state().equals("Record failure")), states.toString());
  }

  @Test
  void aFrozenStage_endsThePromotionAtOnce_withItsReason_withoutARetry() throws Exception {
    registerApp("frozen");
    ApiClient.Reply frozen =
        admin.send(
            "PUT",
            "/v1/apps/frozen/environments/staging/freeze",
            "{\"reason\":\"release freeze\"}");
    assertEquals(200, frozen.status(), frozen.body());
    String id = promote("frozen");

    JsonNode stopped = await("frozen", id, ended());

    assertEquals("failed", stopped.path("status").asText(), stopped.toString());
    assertEquals("frozen", stopped.path("failure").asText(), stopped.toString());
    assertTrue(stopped.path("reason").asText().contains("release freeze"), stopped.toString());
    assertEquals("promoted", stopped.path("stages").path(0).path("status").asText());
    assertEquals("failed", stopped.path("stages").path(1).path("status").asText());
    StepFunctionsService.Execution execution = execution(id);
    assertEquals(StepFunctionsService.Status.FAILED, execution.status());
    assertEquals("PromotionFailed", execution.error());
    List<TaskFailure> failures = failures(execution.history());
    assertEquals(
        List.of(GATE_CLOSED),
        failures.stream().map(TaskFailure::error).toList(),
        "one failure, not retried: " + failures);
    assertEquals("Enter stage", failures.get(0).state());
    assertEquals("staging", failures.get(0).stage());
    assertTrue(failures.get(0).cause().contains("frozen: "), failures.get(0).cause());
    long scheduled =
        execution.history().stream()
            .filter(e -> e.type().equals("TaskScheduled"))
            .filter(e -> e.details().path("parameters").asText().contains("\"enterStage\""))
            .filter(e -> e.details().path("parameters").asText().contains("\"staging\""))
            .count();
    assertEquals(1, scheduled, "Enter stage ran once in staging");
  }
}
