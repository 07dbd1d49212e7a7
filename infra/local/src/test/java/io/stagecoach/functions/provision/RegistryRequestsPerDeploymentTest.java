package io.stagecoach.functions.provision;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentRequested;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.DeploymentSpec;
import io.stagecoach.domain.deployment.DeploymentStatus;
import io.stagecoach.domain.deployment.Deployments;
import io.stagecoach.domain.deployment.ProvisioningRun;
import io.stagecoach.domain.events.StagecoachEvent;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.functions.api.Api;
import io.stagecoach.functions.api.ApiHandler;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.local.provisioning.LocalProvisioner;
import io.stagecoach.registry.dynamodb.DynamoDbAuditLog;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.Fixtures;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;

/**
 * How many requests one deployment makes to the registry table, on each side: the API function's
 * deploy request, then the provisioner function's run of the event it published. Both handlers run
 * as composed for Lambda, on DynamoDB Local, each on a registry client that counts the requests it
 * sends (an SDK execution interceptor); the local provisioner's own stack table is not counted.
 * Every read or write added to either path makes these counts fail.
 */
class RegistryRequestsPerDeploymentTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An app of its own: the local provisioner keeps every stack of the test JVM in one table, which
   * other tests' apps must not find deployed.
   */
  private static final String APP = "counted";

  /** The operations a client sent, and the number of keys of each BatchGetItem. */
  private static final class Counter implements ExecutionInterceptor {
    final Map<String, Integer> operations = Collections.synchronizedMap(new TreeMap<>());
    final List<Integer> batchKeys = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      operations.merge(
          attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), 1, Integer::sum);
      if (context.request() instanceof BatchGetItemRequest batch) {
        batchKeys.add(batch.requestItems().values().stream().mapToInt(k -> k.keys().size()).sum());
      }
    }

    void clear() {
      operations.clear();
      batchKeys.clear();
    }
  }

  private static DynamoDbClient counted(Counter counter) {
    return DynamoDbClient.builder()
        .endpointOverride(LocalDynamoDb.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(c -> c.addExecutionInterceptor(counter))
        .build();
  }

  /** A new registry table with the app, its dev environment and release 1.4.2 in it. */
  private static DynamoDbRegistry appWithDevAndRelease(String table) {
    DynamoDbRegistry setup = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    RegistryService rules = new RegistryService(setup);
    rules.createApp(Fixtures.ADMIN, Fixtures.app(APP), Fixtures.NOW);
    rules.putEnvironment(
        Fixtures.ADMIN,
        APP,
        "dev",
        Fixtures.pipelineEnvironment("dev"),
        Optional.empty(),
        Fixtures.NOW);
    rules.registerRelease(Fixtures.ADMIN, APP, Fixtures.release("1.4.2"), Fixtures.NOW);
    return setup;
  }

  @Test
  void oneDeployment_readsAndWritesTheRegistryTableThisManyTimesOnEachSide() throws Exception {
    String table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry setup = appWithDevAndRelease(table);
    Clock clock = Clock.fixed(Fixtures.NOW, ZoneOffset.UTC);

    // The API function, composed as ApiHandler composes it for Lambda (no planner, no Slack).
    Counter apiSide = new Counter();
    RecordingEventPublisher bus = new RecordingEventPublisher();
    try (DynamoDbClient apiDynamo = counted(apiSide)) {
      DynamoDbRegistry apiRegistry = new DynamoDbRegistry(apiDynamo, table);
      DeploymentService deployments =
          new DeploymentService(apiRegistry, new DynamoDbDeployments(apiDynamo, table), bus);
      ApiHandler api =
          new ApiHandler(
              new Api(
                  new RegistryService(apiRegistry),
                  deployments,
                  new PromotionService(
                      apiRegistry,
                      new DynamoDbPromotions(apiDynamo, table),
                      PromotionRunner.UNAVAILABLE,
                      deployments,
                      bus),
                  (tier, app, env, version) -> {
                    throw new AssertionError("a deploy request asks for no plan");
                  },
                  bus,
                  Optional.empty(),
                  new DynamoDbAuditLog(apiDynamo, table),
                  clock));

      APIGatewayProxyResponseEvent accepted =
          api.handleRequest(
              deployRequest("{\"environment\":\"dev\",\"version\":\"1.4.2\"}", "release-1"), null);
      assertEquals(202, accepted.getStatusCode(), accepted.getBody());
      Map<String, Integer> apiOperations = Map.copyOf(apiSide.operations);
      List<Integer> apiBatchKeys = List.copyOf(apiSide.batchKeys);

      StagecoachEvent requested = bus.published().get(0);
      assertInstanceOf(DeploymentRequested.class, requested);
      ObjectNode event = JSON.createObjectNode();
      event.put("detail-type", requested.detailType()).put("source", "stagecoach");
      event.set("detail", EventDetails.detail(requested));

      Counter provisionerSide = new Counter();
      try (DynamoDbClient counted = counted(provisionerSide)) {
        ProvisionerHandler provisioner =
            new ProvisionerHandler(
                "dev",
                new DynamoDbRegistry(counted, table),
                new DynamoDbDeployments(counted, table),
                new LocalProvisioner(LocalDynamoDb.client()),
                bus,
                clock);
        JsonNode report = call(provisioner, event).path("report");
        String id = requested instanceof DeploymentRequested r ? r.deployment().id() : "";
        assertEquals(id + ": succeeded", report.path(0).asText(), report.toString());
        assertAll(
            // The idempotency read of the deployment; the app, environment and release in one
            // batch; the release's template revision; the deployment's put and the audit entry's.
            () ->
                assertEquals(
                    Map.of("BatchGetItem", 1, "GetItem", 2, "PutItem", 2),
                    apiOperations,
                    "the API side's registry requests"),
            () -> assertEquals(List.of(3), apiBatchKeys, "app, environment and release"),
            // The deployment; the claim of the lease (a transaction that finds it free, so no
            // read of the lease before it); the app, environment, release and template revision
            // in one batch; the app again (the plan's review); the end (a transaction that finds
            // nobody waiting on the lease, so no read of the lease after it).
            () ->
                assertEquals(
                    Map.of("BatchGetItem", 1, "GetItem", 2, "TransactWriteItems", 2),
                    Map.copyOf(provisionerSide.operations),
                    "the provisioner side's registry requests"),
            () ->
                assertEquals(
                    List.of(4), provisionerSide.batchKeys, "app, environment, release, revision"));
        assertEquals(
            DeploymentStatus.SUCCEEDED,
            new DynamoDbDeployments(LocalDynamoDb.client(), table)
                .findDeployment(APP, id)
                .orElseThrow()
                .status());
      }
    }
  }

  /**
   * The lease without reads: a claim behind a live holder learns the holder from its refused
   * transaction, an end that others waited for says so, and taking them up is one write.
   */
  @Test
  void aSecondDeploymentToTheEnvironment_queuesAndIsTakenUp_withoutAReadOfTheLease() {
    String table = LocalDynamoDb.newRegistryTable();
    DynamoDbRegistry setup = appWithDevAndRelease(table);
    DeploymentService service =
        new DeploymentService(
            setup,
            new DynamoDbDeployments(LocalDynamoDb.client(), table),
            new RecordingEventPublisher());
    List<Deployment> requested = new ArrayList<>();
    for (String id : List.of("d-first", "d-second")) {
      requested.add(
          ((Outcome.Accepted<Saved<Deployment>>)
                  service.request(
                      Fixtures.DEPLOYER,
                      APP,
                      new DeploymentSpec("dev", "1.4.2"),
                      Optional.empty(),
                      id,
                      id,
                      DeploymentService.Origin.API,
                      Fixtures.NOW))
              .value()
              .value());
    }
    Instant until = Fixtures.NOW.plus(ProvisioningRun.LEASE);
    Counter counter = new Counter();
    try (DynamoDbClient counted = counted(counter)) {
      DynamoDbDeployments deployments = new DynamoDbDeployments(counted, table);
      Deployments.Claim first = deployments.claim(requested.get(0), Fixtures.NOW, until);
      assertEquals(Map.of("TransactWriteItems", 1), Map.copyOf(counter.operations));
      counter.clear();

      assertEquals(
          new Deployments.Claim.Queued("d-first"),
          deployments.claim(requested.get(1), Fixtures.NOW, until));
      // The claim's transaction, refused with the lease as it is; the write that queues it.
      assertEquals(
          Map.of("TransactWriteItems", 1, "UpdateItem", 1), Map.copyOf(counter.operations));
      counter.clear();

      Deployment running = ((Deployments.Claim.Claimed) first).provisioning();
      assertEquals(
          new Deployments.Finished(new WriteResult.Written(1), true),
          deployments.finish(
              running.failed("stopped", Optional.empty(), Fixtures.NOW), Optional.empty()));
      // The end, refused because someone waits (with the lease as it is), then written again.
      assertEquals(Map.of("TransactWriteItems", 2), Map.copyOf(counter.operations));
      counter.clear();

      assertEquals(List.of("d-second"), deployments.takeWaiting(APP, "dev"));
      assertEquals(Map.of("UpdateItem", 1), Map.copyOf(counter.operations));
    }
  }

  private static APIGatewayProxyRequestEvent deployRequest(String body, String idempotencyKey) {
    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setRequestId("counted-request");
    Map<String, Object> authorizer = new HashMap<>();
    authorizer.put("principal", "alice@example.com");
    authorizer.put("roles", "admin");
    context.setAuthorizer(authorizer);
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    headers.put("Idempotency-Key", idempotencyKey);
    return new APIGatewayProxyRequestEvent()
        .withHttpMethod("POST")
        .withPath("/v1/apps/" + APP + "/deployments")
        .withHeaders(headers)
        .withBody(body)
        .withRequestContext(context);
  }

  private static JsonNode call(ProvisionerHandler handler, JsonNode input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(input)), out, null);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }
}
