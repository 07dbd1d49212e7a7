package io.stagecoach.functions.slack;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.DIGEST;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.chat.SlackUserSpec;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.pipeline.ApprovalPolicy;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.AppSpec;
import io.stagecoach.domain.registry.EnvironmentSpec;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.ReleaseSpec;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.registry.dynamodb.DynamoDbSlackDirectory;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import io.stagecoach.testing.SlackReceiver;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook on real adapters (DynamoDB Local), driven by the proxy events API Gateway sends, with
 * Slack's outbound side on a local receiver and a deferral that keeps the deferred event for the
 * test to finish.
 */
class SlackWebhookTest {

  private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String SELF =
      "arn:aws:lambda:eu-west-1:123456789012:function:Stagecoach-SlackWebhook:live";
  private static final String TEAM = "T01STAGE";
  private static final String RITA = "U01RITA";
  private static final String SAM = "U02SAM";

  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final List<JsonNode> deferred = new CopyOnWriteArrayList<>();
  private final List<Promotion> started = new CopyOnWriteArrayList<>();
  private final List<String> answeredTokens = new CopyOnWriteArrayList<>();
  private SlackReceiver slack;
  private RecordingEventPublisher bus;
  private RegistryService registry;
  private PromotionService promotions;
  private SlackDirectoryService directory;
  private SlackWebhook webhook;
  private int triggers;

  @BeforeEach
  void setUp() {
    String table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry store = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    bus = new RecordingEventPublisher();
    registry = new RegistryService(store);
    DeploymentService deployments =
        new DeploymentService(store, new DynamoDbDeployments(LocalDynamoDb.client(), table), bus);
    PromotionRunner runner =
        new PromotionRunner() {
          @Override
          public void start(Promotion promotion, App app) {
            started.add(promotion);
          }

          @Override
          public boolean succeed(String taskToken, String outputJson) {
            return answeredTokens.add(taskToken);
          }

          @Override
          public boolean fail(String taskToken, String error, String cause) {
            return answeredTokens.add(taskToken);
          }
        };
    promotions =
        new PromotionService(
            store, new DynamoDbPromotions(LocalDynamoDb.client(), table), runner, deployments, bus);
    directory =
        new SlackDirectoryService(new DynamoDbSlackDirectory(LocalDynamoDb.client(), table), store);
    TierPlanner planner =
        (tier, app, env, version) -> new TierPlanner.Answer.Unavailable("no provisioner here");
    slack = new SlackReceiver();
    SlackWeb web =
        new SlackWeb(
            HttpClient.newHttpClient(), slack.apiUrl(), slack.url(), Duration.ofSeconds(5));
    CommandDeferral keep =
        (arn, event) -> {
          assertEquals(SELF, arn, "deferred to the same function and alias");
          return deferred.add(event);
        };
    webhook =
        new SlackWebhook(
            () -> SECRET,
            directory,
            new SlackCommands(
                registry,
                deployments,
                promotions,
                new io.stagecoach.domain.deployment.DeploymentPlanning(registry, planner),
                audit =
                    new io.stagecoach.registry.dynamodb.DynamoDbAuditLog(
                        LocalDynamoDb.client(), table),
                clock),
            web,
            keep,
            clock);

    accepted(
        directory.linkUser(
            ADMIN,
            TEAM,
            RITA,
            new SlackUserSpec("rita", List.of("deployer"), List.of("staff")),
            NOW));
    accepted(
        directory.linkUser(
            ADMIN, TEAM, SAM, new SlackUserSpec("sam", List.of("viewer"), List.of("staff")), NOW));
    registerPayments();
  }

  @AfterEach
  void stopReceiver() {
    slack.close();
  }

  /** dev -> staging (1 of staff approves) -> prod, every stage registered, release 1.0.0. */
  private void registerPayments() {
    Stage staging =
        new Stage(
            "staging",
            Optional.of(
                new ApprovalPolicy(
                    List.of(new ApprovalPolicy.GroupQuorum("staff", 1)), Duration.ofHours(1))),
            Optional.empty(),
            Optional.empty(),
            Duration.ZERO);
    accepted(
        registry.createApp(
            ADMIN,
            new AppSpec(
                "payments",
                Optional.empty(),
                List.of(new Stage("dev"), staging, new Stage("prod")),
                List.of(),
                Optional.of(EnvironmentTemplate.inline(Fixtures.ORDERS_TEMPLATE)),
                PromotionConcurrency.SUPERSEDE),
            NOW));
    for (String env : List.of("dev", "staging", "prod")) {
      accepted(
          registry.putEnvironment(
              ADMIN,
              "payments",
              env,
              new EnvironmentSpec(
                  Optional.of("pipeline"),
                  Optional.of(env),
                  Optional.of("123456789012"),
                  Optional.of("eu-west-1"),
                  Map.of(),
                  Map.of(),
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty()),
              Optional.empty(),
              NOW));
    }
    accepted(
        registry.registerRelease(
            ADMIN,
            "payments",
            new ReleaseSpec("1.0.0", "s3://artifacts/payments/1.0.0.zip", DIGEST, Optional.empty()),
            NOW));
  }

  private static <T> T accepted(Outcome<T> outcome) {
    if (outcome instanceof Outcome.Accepted<T> a) {
      return a.value();
    }
    fail("expected acceptance, got " + outcome);
    return null;
  }

  // ------------------------------------------------------------ requests as Slack sends them

  private String commandBody(String user, String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("token", "legacy-verification-token");
    fields.put("team_id", TEAM);
    fields.put("team_domain", "stagecoach-demo");
    fields.put("channel_id", "C02RELEASES");
    fields.put("channel_name", "releases");
    fields.put("user_id", user);
    fields.put("user_name", user.toLowerCase(java.util.Locale.ROOT));
    fields.put("command", "/stagecoach");
    fields.put("text", text);
    fields.put(
        "response_url",
        "https://hooks.slack.com/commands/" + TEAM + "/" + (++triggers) + "/r3sp0nse");
    fields.put("trigger_id", "7065743211234." + triggers + ".abcdef0123456789");
    fields.put("api_app_id", "A05STAGECOACH");
    StringJoiner body = new StringJoiner("&");
    fields.forEach((k, v) -> body.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }

  private static ObjectNode proxyEvent(
      String resource, String body, String timestamp, String signature) throws Exception {
    ObjectNode event;
    try (InputStream in =
        SlackWebhookTest.class.getResourceAsStream("/slack/slash-command-proxy-event.json")) {
      event = (ObjectNode) Json.MAPPER.readTree(in);
    }
    event.put("resource", resource).put("path", resource).put("body", body);
    ObjectNode headers = (ObjectNode) event.get("headers");
    if (timestamp == null) {
      headers.remove("X-Slack-Request-Timestamp");
    } else {
      headers.put("X-Slack-Request-Timestamp", timestamp);
    }
    if (signature == null) {
      headers.remove("X-Slack-Signature");
    } else {
      headers.put("X-Slack-Signature", signature);
    }
    return event;
  }

  private static ObjectNode signed(String resource, String body) throws Exception {
    String timestamp = Long.toString(NOW.getEpochSecond());
    return proxyEvent(
        resource, body, timestamp, new SlackRequestSignature(SECRET).sign(timestamp, body));
  }

  private ObjectNode command(String user, String text) throws Exception {
    return webhook.handle(signed(SlackWebhook.COMMANDS, commandBody(user, text)), SELF);
  }

  private static JsonNode body(ObjectNode response) throws Exception {
    return Json.parse(response.get("body").asText());
  }

  private static String text(ObjectNode response) throws Exception {
    assertEquals(200, response.get("statusCode").asInt(), response.toString());
    return body(response).get("text").asText();
  }

  private String click(String user, String actionId, String approvalId) throws Exception {
    ObjectNode payload;
    try (InputStream in =
        SlackWebhookTest.class.getResourceAsStream("/slack/block-actions-approve.json")) {
      payload = (ObjectNode) Json.MAPPER.readTree(in);
    }
    ((ObjectNode) payload.get("user")).put("id", user).put("team_id", TEAM);
    ((ObjectNode) payload.get("team")).put("id", TEAM);
    ((ObjectNode) payload.get("actions").get(0))
        .put("action_id", actionId)
        .put("value", approvalId);
    payload.put(
        "response_url", "https://hooks.slack.com/actions/" + TEAM + "/" + (++triggers) + "/cl1ck");
    return "payload=" + URLEncoder.encode(Json.write(payload), StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------ signatures

  @Test
  void slacksOwnSignedExample_isAuthentic_andItsUnlinkedUserIsToldSo_withNothingDone()
      throws Exception {
    // The request Slack documents, with the clock at its signing time
    // (../shared/conformance/slack).
    String body =
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    Clock signedAt = Clock.fixed(java.time.Instant.ofEpochSecond(1531420618L), ZoneOffset.UTC);
    SlackWebhook atSigningTime =
        new SlackWebhook(
            () -> SECRET,
            directory,
            new SlackCommands(registry, null, promotions, (TierPlanner) null, signedAt),
            new SlackWeb(
                HttpClient.newHttpClient(), slack.apiUrl(), slack.url(), Duration.ofSeconds(5)),
            (arn, event) -> deferred.add(event),
            signedAt);

    ObjectNode response =
        atSigningTime.handle(
            proxyEvent(
                SlackWebhook.COMMANDS,
                body,
                "1531420618",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"),
            SELF);

    String text = text(response);
    assertTrue(text.contains("not linked"), text);
    assertTrue(text.contains("PUT /v1/slack/teams/T1DC2JH3J/users/U2CERLKJA"), text);
    assertEquals("ephemeral", body(response).get("response_type").asText());
    assertEquals(List.of(), bus.published());
    assertEquals(List.of(), deferred);
  }

  @Test
  void unsignedStaleOrWronglySignedRequests_areUnauthorized_andNothingHappens() throws Exception {
    String body = commandBody(RITA, "deploy payments 1.0.0 to dev");
    String now = Long.toString(NOW.getEpochSecond());
    String stale = Long.toString(NOW.minus(Duration.ofMinutes(6)).getEpochSecond());
    SlackRequestSignature slackSigner = new SlackRequestSignature(SECRET);
    List<ObjectNode> refused = new ArrayList<>();
    refused.add(proxyEvent(SlackWebhook.COMMANDS, body, null, null));
    refused.add(proxyEvent(SlackWebhook.COMMANDS, body, stale, slackSigner.sign(stale, body)));
    refused.add(
        proxyEvent(
            SlackWebhook.COMMANDS,
            body,
            now,
            new SlackRequestSignature("another-secret").sign(now, body)));
    refused.add(
        proxyEvent(
            SlackWebhook.COMMANDS,
            body.replace("1.0.0", "9.9.9"),
            now,
            slackSigner.sign(now, body)));
    refused.add(
        proxyEvent(
            SlackWebhook.INTERACTIONS,
            click(SAM, BlockKit.APPROVE_ACTION, "payments:a1"),
            now,
            "v0=00"));

    for (ObjectNode request : refused) {
      ObjectNode response = webhook.handle(request, SELF);
      assertEquals(401, response.get("statusCode").asInt(), request.get("headers").toString());
      assertEquals("application/problem+json", response.at("/headers/Content-Type").asText());
      assertEquals("unauthorized", body(response).get("code").asText());
    }
    assertEquals(List.of(), deferred);
    assertEquals(List.of(), bus.published());
    assertEquals(List.of(), slack.calls());
  }

  @Test
  void aDeferredCommand_isVerifiedAgain_soInvokingTheFunctionIsNoWayToActAsSomeone()
      throws Exception {
    String body = commandBody(RITA, "deploy payments 1.0.0 to dev");
    String now = Long.toString(NOW.getEpochSecond());

    webhook.finish(proxyEvent(SlackWebhook.COMMANDS, body, now, "v0=forged"));

    assertEquals(List.of(), bus.published());
    assertEquals(List.of(), slack.calls());
  }

  // ------------------------------------------------------------ commands

  @Test
  void quickCommands_answerInTheResponse_unknownOnesWithTheHelpText() throws Exception {
    String unknown = text(command(RITA, "launch payments"));
    assertTrue(unknown.startsWith("Stagecoach has no command 'launch'."), unknown);
    assertTrue(unknown.contains("/stagecoach deploy APP VERSION to ENV"), unknown);

    assertEquals(io.stagecoach.domain.chat.ChatCommand.helpText(), text(command(RITA, "")));

    String envs = text(command(SAM, "envs payments"));
    assertTrue(envs.contains("• dev (pipeline, dev): nothing deployed"), envs);
    assertEquals(List.of(), deferred);
  }

  @Test
  void anUnlinkedSlackUser_isRefused_evenForAQuickCommand() throws Exception {
    String reply = text(command("U09STRANGER", "freeze payments prod"));

    assertTrue(reply.contains("is not linked to a Stagecoach principal"), reply);
    assertFalse(accepted(registry.getEnvironment("payments", "prod")).isFrozen());
  }

  @Test
  void drift_needsTheDeployerRole_andAnswersThroughTheSameCore_asTheApiRouteDoes()
      throws Exception {
    String refused = text(command(SAM, "drift payments dev"));
    assertTrue(refused.startsWith("sam may not do this: it needs the deployer role"), refused);

    String never = text(command(RITA, "drift payments dev"));
    assertTrue(
        never.startsWith("payments/dev has never been deployed: its drift is unknown"), never);
    String unknown = text(command(RITA, "drift payments nosuch"));
    assertTrue(unknown.contains("environment 'payments/nosuch' does not exist"), unknown);
    assertTrue(text(command(RITA, "drift payments")).contains("Usage: /stagecoach drift APP ENV"));
    assertEquals(List.of(), bus.published(), "no check started");
  }

  @Test
  void freeze_needsTheDeployerRole_asTheApiRouteDoes() throws Exception {
    String refused = text(command(SAM, "freeze payments prod"));
    assertTrue(refused.startsWith("sam may not do this: it needs the deployer role"), refused);
    assertFalse(accepted(registry.getEnvironment("payments", "prod")).isFrozen());

    ObjectNode frozen = command(RITA, "freeze payments prod release weekend");
    assertEquals("in_channel", body(frozen).get("response_type").asText());
    assertEquals(
        "release weekend",
        accepted(registry.getEnvironment("payments", "prod")).freeze().orElseThrow().reason());
  }

  @Test
  void
      deploy_isAcknowledgedAtOnce_thenDeployedByTheDeferredInvocation_whichAnswersThroughTheResponseUrl()
          throws Exception {
    ObjectNode ack = command(RITA, "deploy payments 1.0.0 to dev");

    assertTrue(
        text(ack).startsWith("Working on it: /stagecoach deploy payments 1.0.0 to dev"), text(ack));
    assertEquals(List.of(), bus.published(), "nothing is done before the deferred invocation");
    assertEquals(1, deferred.size());

    webhook.finish(deferred.get(0));

    DeploymentRequested requested = (DeploymentRequested) bus.published().get(0);
    assertEquals("rita", requested.deployment().requestedBy());
    assertEquals("dev", requested.deployment().environment());
    SlackReceiver.Call reply =
        slack.await(c -> c.path().startsWith("/commands/" + TEAM + "/"), Duration.ofSeconds(5));
    JsonNode message = Json.parse(reply.body());
    assertEquals("in_channel", message.get("response_type").asText());
    assertFalse(message.get("replace_original").asBoolean());
    assertTrue(
        message
            .get("text")
            .asText()
            .contains("rita is deploying payments 1.0.0 to dev (deployment d-"),
        message.toString());
  }

  @Test
  void deployTwiceDelivered_makesOneDeployment() throws Exception {
    command(RITA, "deploy payments 1.0.0 to dev");

    webhook.finish(deferred.get(0));
    webhook.finish(deferred.get(0));

    // The repeat announces the same deployment again (as a repeated API request with its
    // Idempotency-Key does).
    assertEquals(2, bus.published().size());
    assertEquals(
        ((DeploymentRequested) bus.published().get(0)).deployment().id(),
        ((DeploymentRequested) bus.published().get(1)).deployment().id());
  }

  @Test
  void deployIntoAFrozenEnvironment_isRefusedWithTheApisCode_andWhoFrozeIt() throws Exception {
    command(RITA, "freeze payments dev incident 9");
    assertTrue(accepted(registry.getEnvironment("payments", "dev")).isFrozen());
    command(RITA, "deploy payments 1.0.0 to dev");
    webhook.finish(deferred.get(deferred.size() - 1));

    SlackReceiver.Call reply =
        slack.await(
            c -> c.path().startsWith("/commands/") && c.body().contains("Refused"),
            Duration.ofSeconds(5));
    String text = Json.parse(reply.body()).get("text").asText();
    assertTrue(text.startsWith("Refused (frozen)"), text);
    assertTrue(text.contains("incident 9") && text.contains("rita"), text);
    assertTrue(
        bus.published().stream().noneMatch(e -> e instanceof DeploymentRequested),
        bus.published().toString());
  }

  private io.stagecoach.registry.dynamodb.DynamoDbAuditLog audit;

  @Test
  void commandsThatChangeSomething_areAudited_withTheSlackSurface_refusalsToo() throws Exception {
    command(SAM, "freeze payments prod");
    command(RITA, "freeze payments prod release weekend");
    command(SAM, "status payments");
    var entries =
        ((io.stagecoach.domain.common.Outcome.Accepted<
                    io.stagecoach.domain.common.Page<io.stagecoach.domain.audit.AuditEntry>>)
                audit.find(
                    new io.stagecoach.domain.audit.AuditQuery(
                        Optional.of("payments"),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()),
                    new io.stagecoach.domain.common.PageRequest(Optional.empty(), 50)))
            .value()
            .items();
    assertEquals(2, entries.size(), "reads are not audited: " + entries);
    var rita = entries.stream().filter(e -> e.principal().equals("rita")).findFirst().orElseThrow();
    var sam = entries.stream().filter(e -> e.principal().equals("sam")).findFirst().orElseThrow();
    assertEquals("rita", rita.principal());
    assertEquals("slack", rita.surface());
    assertEquals("slack freeze", rita.action());
    assertEquals("payments/prod", rita.target());
    assertEquals("accepted", rita.outcome());
    assertEquals("sam", sam.principal());
    assertEquals("forbidden", sam.outcome(), "sam is a viewer");
  }

  private List<io.stagecoach.domain.audit.AuditEntry> auditOf(String action) {
    return ((io.stagecoach.domain.common.Outcome.Accepted<
                io.stagecoach.domain.common.Page<io.stagecoach.domain.audit.AuditEntry>>)
            audit.find(
                new io.stagecoach.domain.audit.AuditQuery(
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(action),
                    Optional.empty(),
                    Optional.empty()),
                new io.stagecoach.domain.common.PageRequest(Optional.empty(), 50)))
        .value()
        .items();
  }

  @Test
  void whatSlackChanges_isAuditedWithItsBeforeAndAfter_freezeDeployAndAnApprovalClick()
      throws Exception {
    Approval approval = pendingStagingApproval();
    webhook.handle(
        signed(SlackWebhook.INTERACTIONS, click(SAM, BlockKit.APPROVE_ACTION, approval.id())),
        SELF);
    webhook.handle(
        signed(SlackWebhook.INTERACTIONS, click(SAM, BlockKit.APPROVE_ACTION, approval.id())),
        SELF);
    command(RITA, "deploy payments 1.0.0 to dev");
    webhook.finish(deferred.get(deferred.size() - 1));
    List<String> deploymentIds =
        bus.published().stream()
            .filter(DeploymentRequested.class::isInstance)
            .map(e -> ((DeploymentRequested) e).deployment().id())
            .toList();
    assertEquals(1, deploymentIds.size(), bus.published().toString());
    String deploymentId = deploymentIds.get(0);
    long prodRevision = accepted(registry.getEnvironment("payments", "prod")).revision();
    command(RITA, "freeze payments prod release weekend");

    var approvals = auditOf("slack approve");
    assertEquals(2, approvals.size(), approvals.toString());
    // Both clicks are at the same (fixed) time: told apart by outcome, not order.
    var approved =
        approvals.stream().filter(e -> e.outcome().equals("accepted")).findFirst().orElseThrow();
    assertEquals("sam", approved.principal());
    assertEquals("accepted", approved.outcome());
    assertEquals(approval.id(), approved.target());
    assertEquals(Optional.of("staging"), approved.environment());
    assertEquals(Optional.of("pending"), approved.before());
    assertEquals(Optional.of("approved"), approved.after());
    var again =
        approvals.stream().filter(e -> !e.outcome().equals("accepted")).findFirst().orElseThrow();
    assertEquals("conflict", again.outcome(), "the second click finds it decided");
    assertEquals(Optional.empty(), again.before(), "a refusal changed nothing");
    assertEquals(Optional.empty(), again.after());

    var deploys = auditOf("slack deploy");
    assertEquals(1, deploys.size(), deploys.toString());
    assertEquals(Optional.empty(), deploys.get(0).before(), "dev ran no release yet");
    assertEquals(
        Optional.of("release 1.0.0 (deployment " + deploymentId + ")"), deploys.get(0).after());

    var freezes = auditOf("slack freeze");
    assertEquals(1, freezes.size(), freezes.toString());
    assertEquals(Optional.of("revision " + prodRevision), freezes.get(0).before());
    assertEquals(
        Optional.of("revision " + (prodRevision + 1) + " (frozen)"), freezes.get(0).after());
    assertEquals(
        prodRevision + 1,
        accepted(registry.getEnvironment("payments", "prod")).revision(),
        "the revision the entry names is the environment's");
  }

  @Test
  void why_saysWhetherAReleaseCouldBePromotedNow_andWhatEachStageWaitsFor() throws Exception {
    String eligible = text(command(SAM, "why payments 1.0.0"));
    assertTrue(eligible.startsWith("payments 1.0.0 to prod: can be promoted now."), eligible);
    assertTrue(
        eligible.contains(
            "• staging approval pending: will need 1 of staff (the requester never counts)"),
        eligible);
    command(RITA, "freeze payments prod release weekend");
    String frozen = text(command(SAM, "why payments 1.0.0 to prod"));
    assertTrue(frozen.startsWith("payments 1.0.0 to prod: cannot be promoted now."), frozen);
    assertTrue(frozen.contains("• because environment 'payments/prod' is frozen by rita"), frozen);
    assertTrue(frozen.contains("release weekend"), frozen);
    assertTrue(text(command(SAM, "why payments 9.9.9")).startsWith("Refused (not_found)"));
  }

  @Test
  void deployIntoAnotherPersonsPersonalEnvironment_isRefusedForbidden_asOnEverySurface()
      throws Exception {
    accepted(
        registry.putEnvironment(
            ADMIN,
            "payments",
            "sam",
            new EnvironmentSpec(
                Optional.of("personal"),
                Optional.empty(),
                Optional.of("123456789012"),
                Optional.of("eu-west-1"),
                Map.of(),
                Map.of(),
                Optional.empty(),
                Optional.of("sam"),
                Optional.empty()),
            Optional.empty(),
            NOW));
    command(RITA, "deploy payments 1.0.0 to sam");
    webhook.finish(deferred.get(deferred.size() - 1));

    SlackReceiver.Call reply =
        slack.await(
            c -> c.path().startsWith("/commands/") && c.body().contains("Refused"),
            Duration.ofSeconds(5));
    String text = Json.parse(reply.body()).get("text").asText();
    assertTrue(text.startsWith("Refused (forbidden)"), text);
    assertTrue(text.contains("personal environment of sam"), text);
    assertTrue(
        bus.published().stream().noneMatch(e -> e instanceof DeploymentRequested),
        bus.published().toString());
  }

  @Test
  void deployToAStageReachedByPromotionOnly_isRefusedWithTheApisCode() throws Exception {
    command(RITA, "deploy payments 1.0.0 to prod");
    webhook.finish(deferred.get(0));

    SlackReceiver.Call reply =
        slack.await(c -> c.path().startsWith("/commands/"), Duration.ofSeconds(5));
    assertTrue(
        Json.parse(reply.body()).get("text").asText().startsWith("Refused (promotion_required)"),
        reply.body());
    assertEquals(List.of(), bus.published());
  }

  // ------------------------------------------------------------ approval clicks

  private Approval pendingStagingApproval() {
    Promotion promotion =
        accepted(
            promotions.start(
                new io.stagecoach.domain.access.Principal(
                    "rita",
                    java.util.Set.of(io.stagecoach.domain.access.Role.DEPLOYER),
                    java.util.Set.of("staff")),
                "payments",
                "1.0.0",
                Optional.empty(),
                Optional.empty(),
                "pr-1",
                NOW));
    return promotions.requestApproval("payments", promotion.id(), "staging", "token-1", "a1", NOW);
  }

  @Test
  void approveClick_decidesTheApproval_andReplacesTheMessageWithoutButtons() throws Exception {
    Approval approval = pendingStagingApproval();

    ObjectNode response =
        webhook.handle(
            signed(SlackWebhook.INTERACTIONS, click(SAM, BlockKit.APPROVE_ACTION, approval.id())),
            SELF);

    assertEquals(200, response.get("statusCode").asInt());
    assertEquals(Approval.Status.APPROVED, accepted(promotions.approval(approval.id())).status());
    assertEquals(List.of("token-1"), answeredTokens);
    JsonNode message =
        Json.parse(
            slack.await(c -> c.path().startsWith("/actions/"), Duration.ofSeconds(5)).body());
    assertTrue(message.get("replace_original").asBoolean());
    assertEquals("Approved: payments 1.0.0 to staging", message.get("text").asText());
    assertFalse(message.toString().contains(BlockKit.APPROVE_ACTION));
  }

  @Test
  void approveClick_byTheRequester_isRefusedAsSelfApproval_andTheMessageStays() throws Exception {
    Approval approval = pendingStagingApproval();

    webhook.handle(
        signed(SlackWebhook.INTERACTIONS, click(RITA, BlockKit.APPROVE_ACTION, approval.id())),
        SELF);

    assertEquals(Approval.Status.PENDING, accepted(promotions.approval(approval.id())).status());
    assertEquals(List.of(), answeredTokens);
    JsonNode note =
        Json.parse(
            slack.await(c -> c.path().startsWith("/actions/"), Duration.ofSeconds(5)).body());
    assertFalse(note.get("replace_original").asBoolean());
    assertEquals("ephemeral", note.get("response_type").asText());
    assertTrue(note.get("text").asText().startsWith("Refused (self_approval)"), note.toString());
  }

  @Test
  void rejectClick_rejects_andAnUnlinkedClickerChangesNothing() throws Exception {
    Approval approval = pendingStagingApproval();

    webhook.handle(
        signed(
            SlackWebhook.INTERACTIONS, click("U09STRANGER", BlockKit.REJECT_ACTION, approval.id())),
        SELF);
    assertEquals(Approval.Status.PENDING, accepted(promotions.approval(approval.id())).status());

    webhook.handle(
        signed(SlackWebhook.INTERACTIONS, click(SAM, BlockKit.REJECT_ACTION, approval.id())), SELF);
    assertEquals(Approval.Status.REJECTED, accepted(promotions.approval(approval.id())).status());
  }

  @Test
  void otherInteractions_areAcknowledged_andMalformedOnesRefused() throws Exception {
    String viewSubmission =
        "payload=" + URLEncoder.encode("{\"type\":\"view_submission\"}", StandardCharsets.UTF_8);
    ObjectNode ignored = webhook.handle(signed(SlackWebhook.INTERACTIONS, viewSubmission), SELF);
    assertEquals(200, ignored.get("statusCode").asInt());
    assertEquals("", ignored.get("body").asText());

    ObjectNode malformed =
        webhook.handle(signed(SlackWebhook.INTERACTIONS, "payload=not+json"), SELF);
    assertEquals(400, malformed.get("statusCode").asInt());
    assertEquals(List.of(), slack.calls());
  }
}
