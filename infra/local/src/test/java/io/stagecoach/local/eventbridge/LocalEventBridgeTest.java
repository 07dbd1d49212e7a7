package io.stagecoach.local.eventbridge;

import static io.stagecoach.local.eventbridge.EventBridgeFixture.MAPPER;
import static io.stagecoach.local.eventbridge.EventBridgeFixture.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import io.stagecoach.local.testing.RecordingHandler;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalEventBridgeTest {

  private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");
  private final EventBridgeFixture.MovableClock clock = new EventBridgeFixture.MovableClock(NOON);
  private EventBridgeFixture.InProcessTargets targets;
  private LocalEventBridge bridge;

  @BeforeEach
  void forgetDeliveries() {
    List.of("eb-dev", "eb-prod", "eb-broken").forEach(RecordingHandler::forget);
  }

  @AfterEach
  void close() {
    if (bridge != null) {
      bridge.close();
    }
  }

  private LocalEventBridge bridge(LocalEventBridge.Options options) {
    targets = new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template());
    bridge = new LocalEventBridge(EventBridgeFixture.template(), targets, clock, options);
    return bridge;
  }

  private static PutEventsEntry deployment(String tier) {
    return PutEventsEntry.of(
            "stagecoach",
            "Deployment Requested",
            "{\"tier\":\"" + tier + "\",\"app\":\"shop\",\"version\":\"1.4.0\",\"ratio\":300.0}")
        .onBus("stagecoach");
  }

  private void settle() throws InterruptedException {
    assertTrue(bridge.awaitDeliveries(Duration.ofSeconds(20)), "deliveries settle");
  }

  @Test
  void buses_areDefaultAndTheTemplates_andRulesAreNamedByNameOrLogicalId() {
    bridge(LocalEventBridge.Options.defaults());
    assertEquals(List.of("default", "stagecoach"), bridge.busNames());
    assertTrue(
        bridge.ruleNames().containsAll(List.of("DevRule", "prod-deployments", "ephemeral-reaper")));
    assertEquals(List.of(), bridge.unsupportedTargets());
  }

  @Test
  void theSynthesizedApp_loads_withEveryRuleItDefines() throws Exception {
    try (InputStream in =
        LocalEventBridgeTest.class.getResourceAsStream(LocalCloud.DEFAULT_TEMPLATE)) {
      CloudTemplate app = CloudTemplate.read(in, "Stagecoach", "us-east-1");
      try (LocalEventBridge loaded =
          new LocalEventBridge(
              app,
              new EventBridgeFixture.InProcessTargets(app),
              clock,
              LocalEventBridge.Options.defaults())) {
        assertEquals(app.ofType("AWS::Events::Rule").size(), loaded.ruleNames().size());
        assertTrue(loaded.busNames().contains("default"));
      }
    }
  }

  @Test
  void disabledScheduleRule_hasNoNextFireTime() {
    String template =
        EventBridgeFixture.TEMPLATE.replace(
            "\"Name\": \"ephemeral-reaper\",",
            "\"Name\": \"ephemeral-reaper\", \"State\": \"DISABLED\",");
    try (LocalEventBridge disabled =
        new LocalEventBridge(
            EventBridgeFixture.template(template),
            new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template()),
            clock,
            LocalEventBridge.Options.defaults())) {
      assertTrue(disabled.nextFireTime("ephemeral-reaper").isEmpty());
    }
  }

  @Test
  void matchingEvent_reachesOnlyTheRulesWhosePatternMatches_asTheEventBridgeEnvelope()
      throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    PutEventsResult result = bridge.putEvents(List.of(deployment("dev")));
    settle();

    assertEquals(0, result.failedEntryCount());
    List<String> dev = records("eb-dev");
    assertEquals(1, dev.size());
    JsonNode event = MAPPER.readTree(dev.get(0));
    assertEquals("0", event.get("version").asText());
    assertEquals(result.entries().get(0).eventId(), event.get("id").asText());
    assertEquals("Deployment Requested", event.get("detail-type").asText());
    assertEquals("stagecoach", event.get("source").asText());
    assertEquals("000000000000", event.get("account").asText());
    assertEquals("2026-11-22T12:00:00Z", event.get("time").asText());
    assertEquals("us-east-1", event.get("region").asText());
    assertTrue(event.get("resources").isArray());
    assertEquals("shop", event.get("detail").get("app").asText());
    assertTrue(dev.get(0).contains("300.0"), "numbers reach the target as sent: " + dev.get(0));
    assertEquals(
        List.of(), records("eb-prod"), "neither the prod rule nor the disabled rule matched");
  }

  @Test
  void everyEnabledRuleWhosePatternMatches_getsTheEvent() throws Exception {
    String template =
        """
        {"Resources": {
          "DevFn": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "provisioner-dev", "Runtime": "java21",
            "Handler": "io.stagecoach.local.testing.RecordingHandler::handleRequest",
            "Environment": {"Variables": {"RECORD_AS": "eb-dev"}}}},
          "BySource": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": ["stagecoach"]},
            "Targets": [{"Id": "a", "Arn": {"Fn::GetAtt": ["DevFn", "Arn"]}, "Input": "{\\"rule\\": \\"by-source\\"}"}]}},
          "ByTier": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"detail": {"tier": [{"prefix": "de"}]}},
            "Targets": [{"Id": "b", "Arn": {"Fn::GetAtt": ["DevFn", "Arn"]}, "Input": "{\\"rule\\": \\"by-tier\\"}"}]}},
          "ByApp": {"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"detail": {"app": ["other"]}},
            "Targets": [{"Id": "c", "Arn": {"Fn::GetAtt": ["DevFn", "Arn"]}, "Input": "{\\"rule\\": \\"by-app\\"}"}]}}
        }}""";
    CloudTemplate app = EventBridgeFixture.template(template);
    bridge =
        new LocalEventBridge(
            app,
            new EventBridgeFixture.InProcessTargets(app),
            clock,
            LocalEventBridge.Options.defaults());
    bridge.putEvents(
        List.of(
            PutEventsEntry.of(
                "stagecoach", "Deployment Requested", "{\"tier\":\"dev\",\"app\":\"shop\"}")));
    settle();
    assertEquals(
        List.of("{\"rule\": \"by-source\"}", "{\"rule\": \"by-tier\"}"),
        records("eb-dev").stream().sorted().toList());
  }

  @Test
  void eventOnAnotherBus_doesNotReachTheRulesOfThisOne() throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    bridge.putEvents(
        List.of(PutEventsEntry.of("stagecoach", "Deployment Requested", "{\"tier\":\"dev\"}")));
    settle();
    assertEquals(List.of(), records("eb-dev"));
  }

  @Test
  void inputPath_andInputTransformer_shapeWhatEachTargetGets() throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    bridge.putEvents(List.of(deployment("prod")));
    settle();

    assertEquals(
        List.of("{\"tier\":\"prod\",\"app\":\"shop\",\"version\":\"1.4.0\",\"ratio\":300.0}"),
        records("eb-prod"));
    assertEquals(
        List.of(
            "arn:aws:states:us-east-1:000000000000:stateMachine:promotion "
                + "{\"app\": \"shop\", \"release\": \"shop@1.4.0\", \"rule\": \"prod-deployments\"}"),
        List.copyOf(targets.executions));
  }

  @Test
  void targetNamedByAliasArn_invokesTheFunction_withTheConstantInput() throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    bridge.putEvents(
        List.of(PutEventsEntry.of("aws.codecommit", "CodeCommit Repository State Change", "{}")));
    settle();
    assertEquals(List.of("{\"pushed\": true}"), records("eb-dev"));
  }

  @Test
  void closing_recordsRetriesThatWillNeverHappen_asDeadLetters_notSilently(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("dead-letters.jsonl");
    bridge(
        LocalEventBridge.Options.defaults()
            .withRetryBackoffBase(java.time.Duration.ofMinutes(1))
            .withDeadLetterFile(file));
    String id = bridge.putEvents(List.of(deployment("broken"))).entries().get(0).eventId();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (records("eb-broken").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(
        1, records("eb-broken").size(), "the first attempt failed; its retry waits a minute");
    assertTrue(bridge.deadLetters().isEmpty());

    bridge.close();
    List<DeadLetter> letters = bridge.deadLetters();
    assertEquals(1, letters.size(), "the pending retry is recorded, not dropped");
    assertEquals(id, letters.get(0).eventId());
    assertEquals(LocalEventBridge.STOPPED, letters.get(0).errorCode());
    assertEquals(1, Files.readAllLines(file).size());
  }

  @Test
  void aDeliveryNotMadeWhenTheProcessDied_isMadeByTheNextStart_andOneMadeIsNotMadeAgain(
      @TempDir Path dir) throws Exception {
    Path journal = dir.resolve("journal.jsonl");
    LocalEventBridge.Options options =
        LocalEventBridge.Options.defaults()
            .withRetryBackoffBase(Duration.ofMinutes(1))
            .withJournalFile(journal);
    LocalEventBridge killed = bridge(options);
    String id = killed.putEvents(List.of(deployment("broken"))).entries().get(0).eventId();
    killed.putEvents(List.of(deployment("dev")));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while ((records("eb-broken").isEmpty() || records("eb-dev").isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, records("eb-dev").size(), "delivered");
    assertEquals(1, records("eb-broken").size(), "the first attempt failed; its retry waits");

    // The process dies here: nothing is closed, the next bridge reads what the first one left.
    LocalEventBridge next = bridge(options);
    try {
      next.start();
      deadline = System.nanoTime() + 10_000_000_000L;
      while (records("eb-broken").size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(2, records("eb-broken").size(), "the pending delivery is made again");
      assertEquals(
          id, MAPPER.readTree(records("eb-broken").get(1)).path("id").asText(), "the same event");
      assertEquals(1, records("eb-dev").size(), "what was delivered is not delivered again");
    } finally {
      killed.close();
    }
  }

  @Test
  void failingFunction_isRetriedPerItsPolicy_thenDeadLettered_inMemoryAndInTheFile(
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("dead-letters.jsonl");
    bridge(EventBridgeFixture.fastRetries().withDeadLetterFile(file));
    String id = bridge.putEvents(List.of(deployment("broken"))).entries().get(0).eventId();
    settle();

    assertEquals(
        3, records("eb-broken").size(), "the first attempt and MaximumRetryAttempts=2 retries");
    List<DeadLetter> letters = bridge.deadLetters();
    assertEquals(1, letters.size());
    DeadLetter letter = letters.get(0);
    assertEquals(id, letter.eventId());
    assertEquals("broken", letter.ruleName());
    assertEquals("broken", letter.targetId());
    assertEquals("arn:aws:sqs:us-east-1:000000000000:broken-dlq", letter.deadLetterQueueArn());
    assertEquals(3, letter.attempts());
    assertEquals("java.lang.IllegalStateException", letter.errorCode());
    assertTrue(letter.errorMessage().contains("provisioning failed"), letter.errorMessage());

    List<String> lines = Files.readAllLines(file);
    assertEquals(1, lines.size());
    JsonNode line = MAPPER.readTree(lines.get(0));
    assertEquals(id, line.get("eventId").asText());
    assertEquals("broken", line.get("event").get("detail").get("tier").asText());
    assertEquals("java.lang.IllegalStateException", line.get("errorCode").asText());
  }

  @Test
  void retries_areCappedByTheOptions_forFastTests() throws Exception {
    bridge(EventBridgeFixture.fastRetries().withMaxRetriesCap(0));
    bridge.putEvents(List.of(deployment("broken")));
    settle();
    assertEquals(1, records("eb-broken").size());
    assertEquals(1, bridge.deadLetters().get(0).attempts());
  }

  @Test
  void retries_backOffExponentially() throws Exception {
    bridge(EventBridgeFixture.fastRetries().withRetryBackoffBase(Duration.ofMillis(200)));
    long t0 = System.nanoTime();
    bridge.putEvents(List.of(deployment("broken")));
    settle();
    long elapsedMs = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertTrue(
        elapsedMs >= 600,
        "200 ms then 400 ms between the three attempts, took " + elapsedMs + " ms");
  }

  @Test
  void eventOlderThanMaximumEventAge_isDeadLettered_insteadOfRetried() throws Exception {
    // The broken target keeps events for an hour: a retry that would land past that is not made.
    bridge(EventBridgeFixture.fastRetries().withRetryBackoffBase(Duration.ofHours(2)));
    bridge.putEvents(List.of(deployment("broken")));
    settle();
    assertEquals(1, records("eb-broken").size());
    assertEquals(1, bridge.deadLetters().size());
  }

  @Test
  void stateMachineThatCannotStart_isRetried_thenDeadLettered() throws Exception {
    bridge(EventBridgeFixture.fastRetries());
    bridge.putEvents(List.of(deployment("unstartable")));
    settle();
    DeadLetter letter = bridge.deadLetters().get(0);
    assertEquals("failing-start", letter.ruleName());
    assertEquals(2, letter.attempts());
    assertTrue(letter.errorMessage().contains("Does Not Exist"), letter.errorMessage());
  }

  @Test
  void duplicateAndShuffle_deliversEveryEventTwice() throws Exception {
    bridge(LocalEventBridge.Options.defaults().withDuplicateAndShuffle(true));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(bridge.putEvents(List.of(deployment("dev"))).entries().get(0).eventId());
    }
    settle();
    Map<String, Long> copies =
        records("eb-dev").stream()
            .map(
                r -> {
                  try {
                    return MAPPER.readTree(r).get("id").asText();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertEquals(ids.stream().collect(Collectors.toMap(Function.identity(), id -> 2L)), copies);
  }

  @Test
  void putEvents_answersEachEntry_andRejectsTheBadOnesOnly() {
    bridge(LocalEventBridge.Options.defaults());
    PutEventsResult result =
        bridge.putEvents(
            List.of(
                deployment("dev"),
                deployment("dev").onBus("nope"),
                new PutEventsEntry(null, "x", "{}", null, null, null),
                new PutEventsEntry("s", null, "{}", null, null, null),
                new PutEventsEntry("s", "x", null, null, null, null),
                PutEventsEntry.of("s", "x", "[1]"),
                PutEventsEntry.of("s", "x", "{not json"),
                deployment("dev")
                    .onBus("arn:aws:events:us-east-1:000000000000:event-bus/stagecoach")));
    assertEquals(6, result.failedEntryCount());
    List<String> codes = result.entries().stream().map(e -> String.valueOf(e.errorCode())).toList();
    assertEquals(
        List.of(
            "null",
            "InvalidArgument",
            "InvalidArgument",
            "InvalidArgument",
            "InvalidArgument",
            "MalformedDetail",
            "MalformedDetail",
            "null"),
        codes);
    assertTrue(result.entries().get(1).errorMessage().contains("nope"));
    assertFalse(result.entries().get(7).failed(), "a bus can be named by its ARN");
  }

  @Test
  void putEvents_refusesTheWholeRequest_whenEntriesAreMissingTooManyOrTooLarge() {
    bridge(LocalEventBridge.Options.defaults());
    assertThrows(PutEventsRejectedException.class, () -> bridge.putEvents(List.of()));
    assertThrows(
        PutEventsRejectedException.class,
        () -> bridge.putEvents(Collections.nCopies(11, deployment("dev"))));
    String big = "{\"blob\":\"" + "x".repeat(256 * 1024) + "\"}";
    PutEventsRejectedException e =
        assertThrows(
            PutEventsRejectedException.class,
            () -> bridge.putEvents(List.of(PutEventsEntry.of("s", "x", big))));
    assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
  }

  @Test
  void fireNow_sendsTheScheduledEventEnvelope_toTheRulesTargets() throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    String id = bridge.fireNow("ephemeral-reaper");
    settle();
    JsonNode event = MAPPER.readTree(records("eb-dev").get(0));
    assertEquals(id, event.get("id").asText());
    assertEquals("aws.events", event.get("source").asText());
    assertEquals("Scheduled Event", event.get("detail-type").asText());
    assertEquals(
        "[\"arn:aws:events:us-east-1:000000000000:rule/ephemeral-reaper\"]",
        event.get("resources").toString());
    assertEquals("{}", event.get("detail").toString());
    assertThrows(IllegalArgumentException.class, () -> bridge.fireNow("no-such-rule"));
  }

  @Test
  void scheduledRule_firesWhenTheClockReachesItsNextTime() throws Exception {
    bridge(LocalEventBridge.Options.defaults());
    assertEquals(
        Instant.parse("2026-11-23T03:00:00Z"),
        bridge.nextFireTime("ephemeral-reaper").orElseThrow());
    bridge.start();
    Thread.sleep(1200);
    settle();
    assertEquals(List.of(), records("eb-dev"), "not before 03:00");

    clock.set(Instant.parse("2026-11-23T03:00:20Z"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (records("eb-dev").isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1, records("eb-dev").size());
    assertEquals(
        Instant.parse("2026-11-24T03:00:00Z"),
        bridge.nextFireTime("ephemeral-reaper").orElseThrow());
  }

  @Test
  void invalidPatternInTheTemplate_stopsLoading_namingTheRuleAndTheProblem() {
    String template =
        EventBridgeFixture.TEMPLATE.replace(
            "{\"source\": [\"aws.codecommit\"]}", "{\"source\": [{\"prefix\": 5}]}");
    TemplateException e =
        assertThrows(
            TemplateException.class,
            () ->
                new LocalEventBridge(
                    EventBridgeFixture.template(template),
                    new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template()),
                    clock,
                    LocalEventBridge.Options.defaults()));
    assertTrue(
        e.getMessage().contains("PushRule") && e.getMessage().contains("prefix"), e.getMessage());
  }

  @Test
  void invalidScheduleInTheTemplate_stopsLoading_namingTheRuleAndTheProblem() {
    String template = EventBridgeFixture.TEMPLATE.replace("cron(0 3 * * ? *)", "cron(0 3 * * * *)");
    TemplateException e =
        assertThrows(
            TemplateException.class,
            () ->
                new LocalEventBridge(
                    EventBridgeFixture.template(template),
                    new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template()),
                    clock,
                    LocalEventBridge.Options.defaults()));
    assertTrue(
        e.getMessage().contains("ephemeral-reaper") && e.getMessage().contains("?"),
        e.getMessage());
  }

  @Test
  void ruleOnAnUndefinedBus_stopsLoading() {
    String template =
        EventBridgeFixture.TEMPLATE.replace(
            "\"Name\": \"broken\", \"EventBusName\": \"stagecoach\"",
            "\"Name\": \"broken\", \"EventBusName\": \"elsewhere\"");
    assertTrue(template.contains("elsewhere"));
    TemplateException e =
        assertThrows(
            TemplateException.class,
            () ->
                new LocalEventBridge(
                    EventBridgeFixture.template(template),
                    new EventBridgeFixture.InProcessTargets(EventBridgeFixture.template()),
                    clock,
                    LocalEventBridge.Options.defaults()));
    assertTrue(
        e.getMessage().contains("broken") && e.getMessage().contains("elsewhere"), e.getMessage());
  }
}
