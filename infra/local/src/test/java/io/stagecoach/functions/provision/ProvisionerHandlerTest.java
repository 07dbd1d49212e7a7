package io.stagecoach.functions.provision;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.DriftChecks;
import io.stagecoach.domain.drift.DriftDetected;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provisioner handler driven by the sample Deployment Requested and Drift Check Requested
 * events of {@code events/}.
 */
class ProvisionerHandlerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private DynamoDbRegistry registry;
  private DynamoDbDeployments deployments;
  private RecordingEventPublisher events;

  @BeforeEach
  void registry() {
    String table = LocalDynamoDb.newRegistryTable();
    registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    deployments = new DynamoDbDeployments(LocalDynamoDb.client(), table);
    events = new RecordingEventPublisher();
    RegistryService rules = new RegistryService(registry);
    rules.createApp(Fixtures.ADMIN, Fixtures.app("payments"), Fixtures.NOW);
    for (String env : new String[] {"dev", "staging"}) {
      rules.putEnvironment(
          Fixtures.ADMIN,
          "payments",
          env,
          Fixtures.pipelineEnvironment(env),
          Optional.empty(),
          Fixtures.NOW);
    }
    rules.registerRelease(Fixtures.ADMIN, "payments", Fixtures.release("1.4.2"), Fixtures.NOW);
  }

  private ProvisionerHandler handler(String tier) {
    return new ProvisionerHandler(
        tier,
        registry,
        deployments,
        new LocalProvisioner(LocalDynamoDb.client()),
        events,
        Clock.fixed(Fixtures.NOW, ZoneOffset.UTC));
  }

  private static ObjectNode sample(String name) throws Exception {
    try (InputStream in =
        ProvisionerHandlerTest.class.getResourceAsStream("/events/stagecoach/" + name)) {
      return (ObjectNode) JSON.readTree(in);
    }
  }

  private static JsonNode call(ProvisionerHandler handler, JsonNode input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(input)), out, null);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void deploymentRequested_ofAnotherTier_isRefused_andNothingIsRun() throws Exception {
    ObjectNode event = sample("deployment-requested.json"); // a staging deployment
    JsonNode answer = call(handler("dev"), event);
    assertEquals("tier", answer.path("refused").asText());
    assertTrue(events.published().isEmpty());
  }

  @Test
  void deploymentRequested_runsTheRecordedDeployment_andADeliveryForAnUnknownOneIsIgnored()
      throws Exception {
    DeploymentService service = new DeploymentService(registry, deployments, events);
    Deployment d =
        ((Outcome.Accepted<Saved<Deployment>>)
                service.request(
                    Fixtures.DEPLOYER,
                    "payments",
                    new DeploymentSpec("dev", "1.4.2"),
                    Optional.of("k"),
                    "h",
                    "unused",
                    DeploymentService.Origin.API,
                    Fixtures.NOW))
            .value()
            .value();
    ObjectNode event = sample("deployment-requested.json");
    ObjectNode detail = (ObjectNode) event.path("detail");
    detail.put("deploymentId", d.id()).put("environment", "dev").put("tier", "dev");
    JsonNode answer = call(handler("dev"), event);
    assertEquals(d.id() + ": succeeded", answer.path("report").path(0).asText(), answer.toString());
    assertEquals(
        DeploymentStatus.SUCCEEDED,
        deployments.findDeployment("payments", d.id()).orElseThrow().status());

    detail.put("deploymentId", "d-unknown");
    assertEquals(
        "d-unknown: unknown, ignored", call(handler("dev"), event).path("report").path(0).asText());
  }

  @Test
  void planRequest_answersThePlan_orARefusalWithItsCode() throws Exception {
    ObjectNode plan =
        JSON.createObjectNode()
            .put("action", "plan")
            .put("app", "payments")
            .put("environment", "dev")
            .put("version", "1.4.2");
    JsonNode answer = call(handler("dev"), plan);
    assertEquals(2, answer.path("plan").path("summary").path("adds").asInt(), answer.toString());
    assertEquals(
        "forbidden",
        call(handler("prod"), plan).path("refused").path("code").asText(),
        "a provisioner plans only for its own tier");
    plan.put("version", "9.9.9");
    assertEquals("not_found", call(handler("dev"), plan).path("refused").path("code").asText());
    assertThrows(
        IllegalArgumentException.class,
        () -> call(handler("dev"), JSON.createObjectNode().put("x", 1)));
  }

  @Test
  void driftCheckRequested_runsTheCheckWithTheTiersProvisioner_once() throws Exception {
    DeploymentService service = new DeploymentService(registry, deployments, events);
    Deployment d =
        ((Outcome.Accepted<Saved<Deployment>>)
                service.request(
                    Fixtures.DEPLOYER,
                    "payments",
                    new DeploymentSpec("staging", "1.4.2"),
                    Optional.of("k"),
                    "h",
                    "unused",
                    DeploymentService.Origin.promotion("pr-000000000001"),
                    Fixtures.NOW))
            .value()
            .value();
    ObjectNode deploy = sample("deployment-requested.json");
    ((ObjectNode) deploy.path("detail"))
        .put("deploymentId", d.id())
        .put("environment", "staging")
        .put("tier", "staging")
        .remove(java.util.List.of("promotionId", "taskToken"));
    call(handler("staging"), deploy);
    String table = "payments-staging-orders";
    LocalDynamoDb.client().deleteTable(t -> t.tableName(table));

    DriftChecks checks = service.driftChecks();
    String id =
        ((Outcome.Accepted<DriftChecks.Requested>)
                checks.request("sam", "payments", "staging", "k-000000000001", Fixtures.NOW))
            .value()
            .check()
            .orElseThrow()
            .id();
    ObjectNode event = sample("drift-check-requested.json");
    ((ObjectNode) event.path("detail"))
        .put("app", "payments")
        .put("environment", "staging")
        .put("tier", "staging")
        .put("checkId", id);

    assertEquals("tier", call(handler("dev"), event).path("refused").asText());
    JsonNode answer = call(handler("staging"), event);
    assertEquals("drifted", answer.path("status").asText(), answer.toString());
    assertEquals(1, answer.path("resources").asInt());
    assertEquals(1, events.published().stream().filter(DriftDetected.class::isInstance).count());
    assertTrue(
        call(handler("staging"), event).path("skipped").asText().contains("no longer under way"),
        "a repeated delivery runs nothing");
    assertEquals(1, events.published().stream().filter(DriftDetected.class::isInstance).count());
  }
}
