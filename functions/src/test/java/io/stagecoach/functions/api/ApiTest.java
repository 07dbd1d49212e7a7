package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.stagecoach.domain.deployment.DeploymentService;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.domain.registry.RegistryService;
import io.stagecoach.domain.registry.ReleaseRegistered;
import io.stagecoach.functions.events.EventDetails;
import io.stagecoach.functions.support.Json;
import io.stagecoach.registry.dynamodb.DynamoDbDeployments;
import io.stagecoach.registry.dynamodb.DynamoDbRegistry;
import io.stagecoach.testing.LocalDynamoDb;
import io.stagecoach.testing.RecordingEventPublisher;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

  /** Plans come from a provisioner function; these handler tests never ask for one. */
  private static final TierPlanner NO_PLANNER =
      (tier, app, env, version) ->
          new TierPlanner.Answer.Unavailable("no provisioner in handler tests");

  private ApiHandler handler;
  private String table;
  private RecordingEventPublisher bus;

  @BeforeEach
  void freshRegistry() {
    table = LocalDynamoDb.newRegistryTable();
    bus = new RecordingEventPublisher();
    DynamoDbRegistry registry = new DynamoDbRegistry(LocalDynamoDb.client(), table);
    DeploymentService deployments =
        new DeploymentService(
            registry, new DynamoDbDeployments(LocalDynamoDb.client(), table), bus);
    io.stagecoach.domain.promotion.PromotionService promotions =
        new io.stagecoach.domain.promotion.PromotionService(
            registry,
            new io.stagecoach.registry.dynamodb.DynamoDbPromotions(LocalDynamoDb.client(), table),
            io.stagecoach.domain.promotion.PromotionRunner.UNAVAILABLE,
            deployments,
            bus);
    handler =
        new ApiHandler(
            new Api(
                new RegistryService(registry), deployments, promotions, NO_PLANNER, bus, CLOCK));
  }

  static APIGatewayProxyRequestEvent request(
      String method, String path, String body, String roles) {
    APIGatewayProxyRequestEvent.ProxyRequestContext context =
        new APIGatewayProxyRequestEvent.ProxyRequestContext();
    context.setRequestId("test-request");
    if (roles != null) {
      Map<String, Object> authorizer = new HashMap<>();
      authorizer.put("principal", "alice@example.com");
      authorizer.put("roles", roles);
      context.setAuthorizer(authorizer);
    }
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", "application/json");
    return new APIGatewayProxyRequestEvent()
        .withHttpMethod(method)
        .withPath(path)
        .withHeaders(headers)
        .withBody(body)
        .withRequestContext(context);
  }

  private APIGatewayProxyResponseEvent call(String method, String path, String body) {
    return OpenApiContract.checked(handler, request(method, path, body, "admin"));
  }

  private static JsonNode json(APIGatewayProxyResponseEvent response) throws Exception {
    return Json.parse(response.getBody());
  }

  private long items() {
    return LocalDynamoDb.client().scan(s -> s.tableName(table)).count();
  }

  private void registerPayments() {
    assertEquals(
        201,
        call(
                "POST",
                "/v1/apps",
                "{\"name\":\"payments\",\"pipeline\":[\"dev\",\"staging\",{\"environment\":\"prod\"}]}")
            .getStatusCode());
  }

  @Test
  void aBodyOfAnotherMediaTypeThanJson_isRefusedWith415_andChangesNothing() throws Exception {
    long before = items();
    for (String type :
        List.of("application/jsonx", "json", "application/json-patch+json", "text/plain")) {
      APIGatewayProxyRequestEvent req =
          request("POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}", "admin");
      req.getHeaders().put("Content-Type", type);
      APIGatewayProxyResponseEvent response = OpenApiContract.checked(handler, req);
      assertEquals(415, response.getStatusCode(), type + ": " + response.getBody());
    }
    assertEquals(before, items(), "nothing was written");
    APIGatewayProxyRequestEvent withCharset =
        request("POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}", "admin");
    withCharset.getHeaders().put("Content-Type", "Application/JSON; charset=utf-8");
    assertEquals(201, OpenApiContract.checked(handler, withCharset).getStatusCode());
  }

  @Test
  void walkthrough_registersAppEnvironmentsAndARelease() throws Exception {
    registerPayments();
    APIGatewayProxyResponseEvent env =
        call(
            "PUT",
            "/v1/apps/payments/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
    assertEquals(201, env.getStatusCode(), env.getBody());
    assertEquals("\"1\"", env.getHeaders().get("ETag"));
    assertEquals("pipeline", json(env).get("kind").asText());

    APIGatewayProxyResponseEvent rel =
        call(
            "POST",
            "/v1/apps/payments/releases",
            "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://b/payments-1.0.0.zip\",\"digest\":\"sha256:"
                + "0".repeat(64)
                + "\"}");
    assertEquals(201, rel.getStatusCode(), rel.getBody());

    JsonNode app = json(call("GET", "/v1/apps/payments", null));
    assertEquals("prod", app.at("/pipeline/2/environment").asText());
    JsonNode envs = json(call("GET", "/v1/apps/payments/environments", null));
    assertEquals(1, envs.get("items").size());
    assertEquals(
        "sha256:" + "0".repeat(64),
        json(call("GET", "/v1/apps/payments/releases/1.0.0", null)).get("digest").asText());
  }

  @Test
  void environmentUsage_isShownAsDeclared_andKeptByAPutThatLeavesItOut() throws Exception {
    registerPayments();
    APIGatewayProxyResponseEvent put =
        call(
            "PUT",
            "/v1/apps/payments/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\","
                + "\"usage\":{\"requestsPerMonth\":25000000,\"storageGb\":2.5}}");
    assertEquals(201, put.getStatusCode(), put.getBody());
    assertEquals(25_000_000, json(put).at("/usage/requestsPerMonth").asLong());
    assertEquals(2.5, json(put).at("/usage/storageGb").asDouble());

    APIGatewayProxyResponseEvent again =
        call(
            "PUT",
            "/v1/apps/payments/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}");
    assertEquals(200, again.getStatusCode(), again.getBody());
    assertEquals(
        25_000_000,
        json(call("GET", "/v1/apps/payments/environments/dev", null))
            .at("/usage/requestsPerMonth")
            .asLong());
  }

  @Test
  void
      environmentUsage_ofTheWrongType_orUnknown_orOutOfRange_isRefusedNamingTheField_andNothingStored()
          throws Exception {
    registerPayments();
    long before = items();
    Map<String, String> refused =
        Map.of(
            "{\"requestsPerMonth\":\"1000\"}", "usage.requestsPerMonth",
            "{\"requests\":1000}", "usage.requests",
            "{\"storageGb\":-1}", "usage.storageGb",
            "{\"averageDurationMs\":1e400}", "usage.averageDurationMs",
            "[1000]", "usage");
    for (Map.Entry<String, String> usage : refused.entrySet()) {
      APIGatewayProxyResponseEvent response =
          call(
              "PUT",
              "/v1/apps/payments/environments/dev",
              "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\","
                  + "\"usage\":"
                  + usage.getKey()
                  + "}");
      assertEquals(400, response.getStatusCode(), usage.getKey() + ": " + response.getBody());
      JsonNode problem = json(response);
      assertEquals("validation_failed", problem.get("code").asText());
      assertEquals(usage.getValue(), problem.at("/errors/0/field").asText(), response.getBody());
    }
    assertEquals(before, items(), "nothing was stored");
  }

  private static final String REPOSITORY =
      "\"repository\":{\"name\":\"payments-service\","
          + "\"artifactUri\":\"s3://artifacts/{repository}/{commit}.zip\",\"branches\":["
          + "{\"pattern\":\"main\",\"action\":\"pipeline\",\"versionFrom\":\"shortCommit\"},"
          + "{\"pattern\":\"feature/*\",\"action\":\"ephemeral\",\"ttlHours\":72}]}";

  @Test
  void app_withARepositoryMapping_showsItBack_andAPutWithoutOneRemovesIt() throws Exception {
    APIGatewayProxyResponseEvent created =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"]," + REPOSITORY + "}");
    assertEquals(201, created.getStatusCode(), created.getBody());

    JsonNode repository = json(call("GET", "/v1/apps/payments", null)).get("repository");
    assertEquals(
        Json.parse(
            "{\"name\":\"payments-service\",\"artifactUri\":\"s3://artifacts/{repository}/{commit}.zip\","
                + "\"branches\":[{\"pattern\":\"main\",\"action\":\"pipeline\",\"versionFrom\":\"shortCommit\"},"
                + "{\"pattern\":\"feature/*\",\"action\":\"ephemeral\",\"ttlHours\":72,\"versionFrom\":\"commit\"}]}"),
        repository);

    APIGatewayProxyResponseEvent replaced =
        call("PUT", "/v1/apps/payments", "{\"pipeline\":[\"dev\"]}");
    assertEquals(200, replaced.getStatusCode(), replaced.getBody());
    assertFalse(json(call("GET", "/v1/apps/payments", null)).has("repository"));
  }

  @Test
  void app_asGetReturnedIt_isAcceptedByPut_andAChangedReadOnlyFieldIsRefused() throws Exception {
    APIGatewayProxyResponseEvent created =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"description\":\"Payments\",\"concurrency\":\"queue\","
                + "\"allowedEnvironments\":[\"perf\"],"
                + "\"ephemeral\":{\"maxLifetimeDays\":7,\"defaultTtlHours\":24,\"renewOnDeploy\":false,"
                + "\"defaultOwner\":\"platform-team\"},"
                + "\"template\":{\"body\":{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}},"
                + "\"pipeline\":[\"dev\",{\"environment\":\"staging\",\"soakSeconds\":600,"
                + "\"approval\":{\"groups\":[{\"group\":\"staff\",\"min\":1}],\"timeoutMinutes\":90},"
                + "\"window\":{\"days\":[\"mon\",\"tue\"],\"start\":\"09:00\",\"end\":\"17:00\",\"timeZone\":\"Europe/London\"},"
                + "\"verification\":{\"urlOutput\":\"Url\",\"path\":\"/health\",\"attempts\":3,\"intervalSeconds\":2}}],"
                + REPOSITORY
                + "}");
    assertEquals(201, created.getStatusCode(), created.getBody());
    JsonNode read = json(call("GET", "/v1/apps/payments", null));

    APIGatewayProxyResponseEvent written = call("PUT", "/v1/apps/payments", read.toString());
    assertEquals(200, written.getStatusCode(), written.getBody());
    JsonNode after = json(written);
    assertEquals(2, after.get("revision").asLong());
    for (String field :
        List.of(
            "name",
            "description",
            "pipeline",
            "concurrency",
            "allowedEnvironments",
            "template",
            "repository",
            "ephemeral",
            "createdAt",
            "createdBy")) {
      assertEquals(read.get(field), after.get(field), field);
    }

    for (String field : List.of("createdAt", "createdBy", "updatedAt", "revision")) {
      com.fasterxml.jackson.databind.node.ObjectNode changed = after.deepCopy();
      if (field.equals("revision")) {
        changed.put(field, 7);
      } else if (field.equals("createdBy")) {
        changed.put(field, "mallory@example.com");
      } else {
        changed.put(field, "2001-01-01T00:00:00Z");
      }
      APIGatewayProxyResponseEvent refused = call("PUT", "/v1/apps/payments", changed.toString());
      assertEquals(400, refused.getStatusCode(), refused.getBody());
      assertEquals("validation_failed", json(refused).get("code").asText(), refused.getBody());
      assertEquals(Set.of(field), fields(refused), field);
    }
    assertEquals(2, json(call("GET", "/v1/apps/payments", null)).get("revision").asLong());
  }

  @Test
  void anEphemeralEnvironment_expiresInAnAmountFromTheApisNow_notTheClients() throws Exception {
    assertEquals(
        201,
        call("POST", "/v1/apps", "{\"name\":\"payments\",\"pipeline\":[\"dev\"]}").getStatusCode());
    String env = "{\"kind\":\"ephemeral\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"";
    APIGatewayProxyResponseEvent created =
        call("PUT", "/v1/apps/payments/environments/pr-1", env + ",\"expiresIn\":\"2h\"}");
    assertEquals(201, created.getStatusCode(), created.getBody());
    assertEquals(
        CLOCK
            .instant()
            .plus(java.time.Duration.ofHours(2))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString(),
        json(created).get("expiresAt").asText());

    for (String refused :
        List.of(
            ",\"expiresIn\":\"soon\"}",
            ",\"expiresIn\":\"-2h\"}",
            ",\"expiresIn\":\"2h\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}")) {
      APIGatewayProxyResponseEvent bad =
          call("PUT", "/v1/apps/payments/environments/pr-2", env + refused);
      assertEquals(400, bad.getStatusCode(), bad.getBody());
      assertEquals(Set.of("expiresIn"), fields(bad), bad.getBody());
    }
    assertEquals(404, call("GET", "/v1/apps/payments/environments/pr-2", null).getStatusCode());
  }

  @Test
  void app_withADefaultOwnerThatIsNoPrincipal_isRefused_namingIt() throws Exception {
    for (String owner : List.of("\"the team!\"", "\"\"", "42")) {
      APIGatewayProxyResponseEvent refused =
          call(
              "POST",
              "/v1/apps",
              "{\"name\":\"payments\",\"pipeline\":[\"dev\"],\"ephemeral\":{\"defaultOwner\":"
                  + owner
                  + "}}");
      assertEquals(400, refused.getStatusCode(), refused.getBody());
      assertEquals(Set.of("ephemeral.defaultOwner"), fields(refused), refused.getBody());
    }
    assertEquals(404, call("GET", "/v1/apps/payments", null).getStatusCode());
    APIGatewayProxyResponseEvent created =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"],"
                + "\"ephemeral\":{\"defaultOwner\":\"arn:aws:iam::123456789012:user/rita\"}}");
    assertEquals(201, created.getStatusCode(), created.getBody());
    assertEquals(
        Json.parse(
            "{\"maxLifetimeDays\":30,\"defaultTtlHours\":72,\"renewOnDeploy\":false,"
                + "\"defaultOwner\":\"arn:aws:iam::123456789012:user/rita\"}"),
        json(created).get("ephemeral"));
  }

  @Test
  void app_withAMalformedRepositoryMapping_isRefused_namingEachField() throws Exception {
    APIGatewayProxyResponseEvent shape =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"],"
                + "\"repository\":{\"branches\":[{\"pattern\":\"main\",\"action\":\"deploy\"},"
                + "{\"pattern\":\"feature/*\",\"action\":\"ephemeral\"},"
                + "{\"pattern\":\"main\",\"action\":\"pipeline\",\"ttlHours\":3,\"versionFrom\":\"tag\",\"colour\":\"red\"}]}}");
    assertEquals(400, shape.getStatusCode(), shape.getBody());
    assertEquals(
        Set.of(
            "repository.name",
            "repository.branches[0].action",
            "repository.branches[1].ttlHours",
            "repository.branches[2].ttlHours",
            "repository.branches[2].versionFrom",
            "repository.branches[2].colour"),
        fields(shape));
    assertEquals(0, items(), "nothing was written");
  }

  @Test
  void app_withARepositoryMappingThatBreaksItsRules_isRefused_namingEachField() throws Exception {
    APIGatewayProxyResponseEvent rules =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"],"
                + "\"repository\":{\"name\":\"payments service\",\"artifactUri\":\"ftp://artifacts/{commit}\","
                + "\"branches\":[{\"pattern\":\"refs/heads/main\",\"action\":\"pipeline\"},"
                + "{\"pattern\":\"feature/*\",\"action\":\"ephemeral\",\"ttlHours\":721}]}}");
    assertEquals(400, rules.getStatusCode(), rules.getBody());
    assertEquals(
        Set.of(
            "repository.name",
            "repository.artifactUri",
            "repository.branches[0].pattern",
            "repository.branches[1].ttlHours"),
        fields(rules));
    APIGatewayProxyResponseEvent empty =
        call(
            "POST",
            "/v1/apps",
            "{\"name\":\"payments\",\"pipeline\":[\"dev\"],"
                + "\"repository\":{\"name\":\"payments-service\",\"branches\":[]}}");
    assertEquals(Set.of("repository.branches"), fields(empty));
  }

  private static Set<String> fields(APIGatewayProxyResponseEvent response) throws Exception {
    Set<String> fields = new HashSet<>();
    json(response).get("errors").forEach(e -> fields.add(e.get("field").asText()));
    return fields;
  }

  private static final String RELEASE_BODY =
      "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://b/payments-1.0.0.zip\",\"digest\":\"sha256:"
          + "0".repeat(64)
          + "\"}";

  @Test
  void registeringARelease_publishesReleaseRegistered_whoseDetailSatisfiesItsSchema()
      throws Exception {
    registerPayments();
    assertEquals(201, call("POST", "/v1/apps/payments/releases", RELEASE_BODY).getStatusCode());
    assertEquals(1, bus.published().size());
    ReleaseRegistered event = (ReleaseRegistered) bus.published().get(0);
    assertEquals("1.0.0", event.release().version());
    try (InputStream in =
        getClass().getResourceAsStream("/schemas/release-registered.schema.json")) {
      var schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(Json.MAPPER.readTree(in));
      assertEquals(Set.of(), schema.validate(EventDetails.detail(event)));
    }
  }

  @Test
  void releaseWhoseEventCannotBePublished_answers503_andARetryPublishesIt() throws Exception {
    registerPayments();
    bus.failFromNowOn(true);
    APIGatewayProxyResponseEvent failed = call("POST", "/v1/apps/payments/releases", RELEASE_BODY);
    assertEquals(503, failed.getStatusCode());
    assertTrue(json(failed).get("detail").asText().contains("repeat the same request"));
    bus.failFromNowOn(false);
    APIGatewayProxyResponseEvent retried = call("POST", "/v1/apps/payments/releases", RELEASE_BODY);
    assertEquals(200, retried.getStatusCode(), "the release was kept; the retry finds it");
    assertEquals(1, bus.published().size(), "and publishes the event this time");
  }

  @Test
  void sampleProxyEvent_isServedThroughTheRuntimeSerialization() throws Exception {
    registerPayments();
    APIGatewayProxyRequestEvent event;
    try (InputStream in =
        getClass().getResourceAsStream("/events/apigateway/put-environment.json")) {
      event =
          LambdaEventSerializers.serializerFor(
                  APIGatewayProxyRequestEvent.class, getClass().getClassLoader())
              .fromJson(in);
    }
    APIGatewayProxyResponseEvent response = OpenApiContract.checked(handler, event);
    assertEquals(201, response.getStatusCode(), response.getBody());
    JsonNode env = json(response);
    assertEquals("ci-bot", env.get("createdBy").asText());
    assertEquals("staging", env.get("tier").asText());
  }

  /**
   * The documented example event of the API Gateway guide (../shared/conformance): an unknown path,
   * answered cleanly.
   */
  @Test
  void documentedExampleEvent_isAnsweredWithAProblem_notAnError() throws Exception {
    java.nio.file.Path example =
        java.nio.file.Path.of(
            System.getProperty("stagecoach.conformance", "../../shared/conformance"),
            "apigateway",
            "aws-docs",
            "proxy-input-event-example.json");
    byte[] event =
        Json.MAPPER.writeValueAsBytes(Json.MAPPER.readTree(example.toFile()).get("event"));
    APIGatewayProxyRequestEvent request =
        LambdaEventSerializers.serializerFor(
                APIGatewayProxyRequestEvent.class, getClass().getClassLoader())
            .fromJson(new java.io.ByteArrayInputStream(event));
    assertEquals("/my/path", request.getPath());
    APIGatewayProxyResponseEvent response = OpenApiContract.checked(handler, request);
    assertEquals(404, response.getStatusCode());
    assertEquals("not_found", json(response).get("code").asText());
  }

  @Test
  void problems_carryTheStableCode_andTheOffendingFields() throws Exception {
    APIGatewayProxyResponseEvent response =
        call("POST", "/v1/apps", "{\"name\":\"Pay_ments\",\"pipeline\":\"dev\",\"teir\":1}");
    assertEquals(400, response.getStatusCode());
    assertEquals("application/problem+json", response.getHeaders().get("Content-Type"));
    JsonNode problem = json(response);
    assertEquals("validation_failed", problem.get("code").asText());
    Set<String> fields = new HashSet<>();
    problem.get("errors").forEach(e -> fields.add(e.get("field").asText()));
    assertEquals(Set.of("pipeline", "teir"), fields, "type errors and unknown fields, all at once");
    JsonNode badName =
        json(call("POST", "/v1/apps", "{\"name\":\"Pay_ments\",\"pipeline\":[\"dev\"]}"));
    assertEquals("name", badName.at("/errors/0/field").asText());
    assertEquals(0, items());
  }

  @Test
  void roles_areEnforcedPerRoute() throws Exception {
    registerPayments();
    APIGatewayProxyResponseEvent viewerWrite =
        handler.handleRequest(
            request(
                "PUT",
                "/v1/apps/payments/environments/dev",
                "{\"tier\":\"dev\",\"account\":\"123456789012\",\"region\":\"eu-west-1\"}",
                "viewer"),
            null);
    assertEquals(403, viewerWrite.getStatusCode());
    assertEquals("forbidden", json(viewerWrite).get("code").asText());
    APIGatewayProxyResponseEvent deployerToken =
        handler.handleRequest(
            request(
                "POST", "/v1/tokens", "{\"principal\":\"x\",\"roles\":[\"admin\"]}", "deployer"),
            null);
    assertEquals(403, deployerToken.getStatusCode());
    assertEquals(
        200,
        handler
            .handleRequest(request("GET", "/v1/apps/payments", null, "viewer"), null)
            .getStatusCode());
    APIGatewayProxyResponseEvent anonymous =
        OpenApiContract.checked(handler, request("GET", "/v1/apps", null, null));
    assertEquals(401, anonymous.getStatusCode());
    assertEquals("unauthorized", json(anonymous).get("code").asText());
  }

  @Test
  void bodiesOver64KiB_areRefusedWith413() throws Exception {
    String big =
        "{\"name\":\"payments\",\"pipeline\":[\"dev\"],\"description\":\""
            + "x".repeat(70_000)
            + "\"}";
    APIGatewayProxyResponseEvent response = call("POST", "/v1/apps", big);
    assertEquals(413, response.getStatusCode());
    assertEquals("validation_failed", json(response).get("code").asText());
    assertEquals(0, items());
  }

  @Test
  void unknownRoutesAnswer404_andWrongMethods405WithAllow() throws Exception {
    assertEquals(404, call("GET", "/v1/nothing", null).getStatusCode());
    APIGatewayProxyResponseEvent patch = call("PATCH", "/v1/apps", "{}");
    assertEquals(405, patch.getStatusCode());
    assertEquals("GET, POST", patch.getHeaders().get("Allow"));
  }

  @Test
  void ifMatch_withAStaleRevision_isAConflict() throws Exception {
    registerPayments();
    APIGatewayProxyRequestEvent put =
        request("PUT", "/v1/apps/payments", "{\"pipeline\":[\"dev\"]}", "admin");
    put.getHeaders().put("If-Match", "\"9\"");
    APIGatewayProxyResponseEvent response = OpenApiContract.checked(handler, put);
    assertEquals(409, response.getStatusCode());
    assertEquals(3, json(call("GET", "/v1/apps/payments", null)).get("pipeline").size());
  }

  @Test
  void issuedToken_showsItsSecretOnce_andListingsNever() throws Exception {
    APIGatewayProxyResponseEvent issued =
        call("POST", "/v1/tokens", "{\"principal\":\"ci-bot\",\"roles\":[\"deployer\"]}");
    assertEquals(201, issued.getStatusCode(), issued.getBody());
    String secret = json(issued).get("token").asText();
    assertTrue(secret.startsWith("sc_") && secret.length() > 40);
    String listing = call("GET", "/v1/tokens", null).getBody();
    assertFalse(listing.contains(secret));
    assertTrue(listing.contains("ci-bot"));
  }

  @Test
  void openApiServers_areTheStageUrl_onTheExecuteApiDomain() throws Exception {
    APIGatewayProxyRequestEvent event = request("GET", "/v1/openapi.json", null, null);
    event.getRequestContext().setDomainName("a1b2c3.execute-api.eu-west-1.amazonaws.com");
    event.getRequestContext().setPath("/live/v1/openapi.json");
    event.getHeaders().put("X-Forwarded-Proto", "https");
    JsonNode servers = json(OpenApiContract.checked(handler, event)).get("servers");
    assertEquals(1, servers.size(), servers.toString());
    assertEquals(
        "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/live",
        servers.get(0).get("url").asText());
  }

  @Test
  void openApiServers_areTheLocalCloudsOwnPort_whenCalledThere() throws Exception {
    APIGatewayProxyRequestEvent event = request("GET", "/v1/openapi.json", null, null);
    event.getRequestContext().setDomainName("127.0.0.1:15001");
    event.getRequestContext().setPath("/v1/openapi.json");
    JsonNode servers = json(OpenApiContract.checked(handler, event)).get("servers");
    assertEquals("http://127.0.0.1:15001", servers.get(0).get("url").asText());
  }

  @Test
  void openApiDocument_describesExactlyTheImplementedRoutes() throws Exception {
    APIGatewayProxyResponseEvent response =
        OpenApiContract.checked(handler, request("GET", "/v1/openapi.json", null, null));
    assertEquals(200, response.getStatusCode(), "the document needs no token");
    JsonNode doc = json(response);
    assertEquals("3.1.0", doc.get("openapi").asText());
    Set<String> documented = new HashSet<>();
    for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
      path.getValue()
          .fieldNames()
          .forEachRemaining(
              method -> {
                if (!method.equals("parameters")) {
                  documented.add(method.toUpperCase() + " " + path.getKey());
                }
              });
    }
    Set<String> implemented =
        new HashSet<>(
            new Api(new RegistryService(null), null, null, NO_PLANNER, bus, CLOCK).routeKeys());
    Set<String> undocumented = new HashSet<>(implemented);
    undocumented.removeAll(documented);
    Set<String> unimplemented = new HashSet<>(documented);
    unimplemented.removeAll(implemented);
    assertEquals(Set.of(), undocumented, "routes missing from openapi.json");
    assertEquals(Set.of(), unimplemented, "openapi.json documents routes that do not exist");
  }

  @Test
  void percentEncodedPathSegments_areDecoded_plusIsKept() {
    assertEquals("1.0.0+build.5", Api.percentDecode("1.0.0%2Bbuild.5").orElseThrow());
    assertEquals("1.0.0+b", Api.percentDecode("1.0.0+b").orElseThrow());
    assertTrue(Api.percentDecode("bad%zz").isEmpty());
    assertTrue(Api.percentDecode("%ff").isEmpty(), "not UTF-8");
  }
}
