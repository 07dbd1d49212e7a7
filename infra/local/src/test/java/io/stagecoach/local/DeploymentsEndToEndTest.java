package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Deployments end to end on the local cloud, from the synthesized template: HTTP in → API function
 * → {@code Deployment Requested} on the bus → the dev tier's rule → the dev provisioner function →
 * the local provisioner makes the environment's tables in DynamoDB Local → the deployment, the
 * environment and the history are recorded, and {@code Deployment Succeeded} is on the bus.
 */
class DeploymentsEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static LocalCloud cloud;
  private static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(dir).withPort(0));
    api = new ApiClient(cloud.endpoint(), cloud.adminToken());
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  static void registerApp(String app) throws Exception {
    registerApp(app, JSON.createObjectNode());
  }

  /** The app, its environments and releases 1.0.0 and 1.1.0; {@code extra} fields in its body. */
  static void registerApp(String app, ObjectNode extra) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    body.setAll(extra);
    body.put("name", app);
    body.putArray("pipeline").add("dev").add("staging").add("prod");
    body.putArray("allowedEnvironments").add("qa");
    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    ApiClient.Reply created = api.send("POST", "/v1/apps", JSON.writeValueAsString(body));
    assertEquals(201, created.status(), created.body());
    for (String[] env :
        List.of(
            new String[] {"dev", "dev"},
            new String[] {"qa", "dev"},
            new String[] {"staging", "staging"})) {
      ApiClient.Reply put =
          api.send(
              "PUT",
              "/v1/apps/" + app + "/environments/" + env[0],
              "{\"tier\":\""
                  + env[1]
                  + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\",\"config\":{\"LOG_LEVEL\":\"debug\"}}");
      assertEquals(201, put.status(), put.body());
    }
    for (String version : List.of("1.0.0", "1.1.0")) {
      ApiClient.Reply release =
          api.send(
              "POST",
              "/v1/apps/" + app + "/releases",
              "{\"version\":\""
                  + version
                  + "\",\"artifactUri\":\"s3://artifacts/"
                  + app
                  + "-"
                  + version
                  + ".zip\",\"digest\":\""
                  + LocalCloudTest.DIGEST
                  + "\"}");
      assertEquals(201, release.status(), release.body());
    }
  }

  static ApiClient.Reply deploy(String app, String env, String version, String key)
      throws Exception {
    return api.send(
        "POST",
        "/v1/apps/" + app + "/deployments",
        "{\"environment\":\"" + env + "\",\"version\":\"" + version + "\"}",
        Map.of("Idempotency-Key", key));
  }

  static JsonNode awaitTerminal(String app, String id) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode d = null;
    while (Instant.now().isBefore(deadline)) {
      d = api.get("/v1/apps/" + app + "/deployments/" + id).json();
      if (Set.of("succeeded", "failed", "superseded").contains(d.path("status").asText())) {
        return d;
      }
      Thread.sleep(50);
    }
    fail(
        "deployment "
            + id
            + " did not end: "
            + d
            + "; dead letters "
            + cloud.eventBridge().deadLetters());
    return d;
  }

  @Test
  void deployToDev_makesTheEnvironmentsTable_andRecordsSucceededWithOutputs() throws Exception {
    registerApp("orders");
    ApiClient.Reply accepted = deploy("orders", "dev", "1.0.0", "first-deploy");
    assertEquals(202, accepted.status(), accepted.body());
    String id = accepted.json().path("id").asText();
    assertEquals("/v1/apps/orders/deployments/" + id, accepted.header("Location"));
    assertEquals("requested", accepted.json().path("status").asText());

    JsonNode done = awaitTerminal("orders", id);
    assertEquals("succeeded", done.path("status").asText(), done.toString());
    assertEquals("orders-dev-orders", done.path("outputs").path("OrdersTable").asText());
    assertEquals(
        "arn:aws:dynamodb:eu-west-1:111111111111:table/orders-dev-orders",
        done.path("outputs").path("OrdersTableArn").asText());
    assertEquals(
        "orders-dev runs 1.0.0 at debug",
        done.path("outputs").path("Greeting").asText(),
        "parameters come from the release and the environment's config");
    assertEquals(2, done.path("plan").path("summary").path("adds").asInt(), done.toString());
    assertEquals(LocalCloudTest.DIGEST, done.path("digest").asText());
    assertTrue(cloud.dynamo().client().listTables().tableNames().contains("orders-dev-orders"));

    JsonNode env = api.get("/v1/apps/orders/environments/dev").json();
    assertEquals("1.0.0", env.path("deployedVersion").asText());
    assertEquals(id, env.path("deployedBy").asText());

    // The same key and body: the same deployment, not a second one.
    ApiClient.Reply again = deploy("orders", "dev", "1.0.0", "first-deploy");
    assertEquals(202, again.status());
    assertEquals(id, again.json().path("id").asText());
    assertEquals("true", again.header("Idempotent-Replayed"));
    // The same key with another body: refused.
    ApiClient.Reply other = deploy("orders", "dev", "1.1.0", "first-deploy");
    assertEquals(409, other.status());
    assertEquals("conflict", other.json().path("code").asText());

    // A second environment's resources are its own.
    JsonNode qa =
        awaitTerminal("orders", deploy("orders", "qa", "1.1.0", "qa-1").json().path("id").asText());
    assertEquals("succeeded", qa.path("status").asText(), qa.toString());
    assertEquals("orders-qa-orders", qa.path("outputs").path("OrdersTable").asText());
    cloud
        .dynamo()
        .client()
        .putItem(
            p -> p.tableName("orders-dev-orders").item(Map.of("id", AttributeValue.fromS("o-1"))));
    assertEquals(1, cloud.dynamo().client().scan(s -> s.tableName("orders-dev-orders")).count());
    assertEquals(0, cloud.dynamo().client().scan(s -> s.tableName("orders-qa-orders")).count());

    // History newest first, with the release, plan, outputs, requester and timings.
    ApiClient.Reply second = deploy("orders", "dev", "1.1.0", "second-deploy");
    JsonNode secondDone = awaitTerminal("orders", second.json().path("id").asText());
    assertEquals("succeeded", secondDone.path("status").asText());
    assertEquals(
        1,
        secondDone.path("plan").path("summary").path("modifies").asInt(),
        "only the parameter that holds the version changes: " + secondDone.path("plan"));
    JsonNode history = api.get("/v1/apps/orders/environments/dev/deployments").json().path("items");
    assertEquals(2, history.size());
    assertEquals("1.1.0", history.get(0).path("version").asText());
    assertEquals("1.0.0", history.get(1).path("version").asText());
    assertEquals("local-admin", history.get(0).path("requestedBy").asText());
    assertTrue(history.get(0).has("startedAt") && history.get(0).has("finishedAt"));
    assertTrue(
        cloud.eventBridge().deadLetters().isEmpty(), cloud.eventBridge().deadLetters().toString());
  }

  /**
   * Issue 12, point 4: a template body is checked when the app is registered or changed, not at its
   * first deployment.
   */
  @Test
  void aTemplateThatIsNotJson_isRefusedAtRegistration_namingTheField_andNothingIsStored()
      throws Exception {
    ObjectNode body = JSON.createObjectNode().put("name", "broken");
    body.putArray("pipeline").add("dev");
    body.putObject("template").put("body", "Resources: not json");

    ApiClient.Reply refused = api.send("POST", "/v1/apps", JSON.writeValueAsString(body));

    assertEquals(400, refused.status(), refused.body());
    assertEquals("validation_failed", refused.json().path("code").asText(), refused.body());
    assertTrue(refused.body().contains("template.body"), refused.body());
    assertEquals(404, api.get("/v1/apps/broken").status());

    body.putObject("template").set("body", JSON.readTree(Fixtures.ORDERS_TEMPLATE));
    assertEquals(201, api.send("POST", "/v1/apps", JSON.writeValueAsString(body)).status());
    JsonNode before = api.get("/v1/apps/broken").json();
    ObjectNode change = JSON.createObjectNode();
    change.set("pipeline", before.path("pipeline"));
    change.putObject("template").set("body", JSON.readTree("{\"Resources\": {}}"));

    ApiClient.Reply unchanged = api.send("PUT", "/v1/apps/broken", JSON.writeValueAsString(change));

    assertEquals(400, unchanged.status(), unchanged.body());
    assertTrue(unchanged.body().contains("template.body"), unchanged.body());
    assertEquals(before, api.get("/v1/apps/broken").json(), "the app is as it was");
  }

  @Test
  void stagingTier_answersPromotionRequired_andNothingIsRecorded() throws Exception {
    registerApp("billing");
    ApiClient.Reply refused = deploy("billing", "staging", "1.0.0", "k1");
    assertEquals(409, refused.status(), refused.body());
    assertEquals("promotion_required", refused.json().path("code").asText());
    assertEquals(
        0,
        api.get("/v1/apps/billing/environments/staging/deployments").json().path("items").size());
    ApiClient.Reply unknown = deploy("billing", "dev", "9.9.9", "k2");
    assertEquals(404, unknown.status());
  }

  @Test
  void diff_returnsThePlan_andChangesNothing_thenDestroyRemovesTablesAndRecord() throws Exception {
    registerApp("ledger");
    JsonNode before = api.get("/v1/apps/ledger/environments/dev/diff?version=1.0.0").json();
    assertEquals(2, before.path("summary").path("adds").asInt(), before.toString());
    assertFalse(
        cloud.dynamo().client().listTables().tableNames().contains("ledger-dev-orders"),
        "diff makes nothing");

    assertEquals(
        "succeeded",
        awaitTerminal("ledger", deploy("ledger", "dev", "1.0.0", "d1").json().path("id").asText())
            .path("status")
            .asText());
    JsonNode same = api.get("/v1/apps/ledger/environments/dev/diff?version=1.0.0").json();
    assertEquals(0, same.path("changes").size(), same.toString());
    JsonNode next = api.get("/v1/apps/ledger/environments/dev/diff?version=1.1.0").json();
    assertEquals(1, next.path("summary").path("modifies").asInt(), next.toString());
    assertEquals(400, api.get("/v1/apps/ledger/environments/dev/diff").status());

    ApiClient.Reply unconfirmed = api.send("DELETE", "/v1/apps/ledger/environments/dev", null);
    assertEquals(400, unconfirmed.status(), unconfirmed.body());
    ApiClient.Reply destroy =
        api.send("DELETE", "/v1/apps/ledger/environments/dev?confirm=dev", null);
    assertEquals(202, destroy.status(), destroy.body());
    JsonNode destroyed = awaitTerminal("ledger", destroy.json().path("id").asText());
    assertEquals("succeeded", destroyed.path("status").asText(), destroyed.toString());
    assertEquals("destroy", destroyed.path("action").asText());
    assertFalse(cloud.dynamo().client().listTables().tableNames().contains("ledger-dev-orders"));
    assertEquals(404, api.get("/v1/apps/ledger/environments/dev").status());
    assertEquals(
        2,
        api.get("/v1/apps/ledger/environments/dev/deployments").json().path("items").size(),
        "the history outlives the environment");
  }

  @Test
  void
      personalEnvironment_isNamedAfterItsCaller_andTakesDirectDeploys_andEphemeralOnesExpireAndExtend()
          throws Exception {
    registerApp("profiles");
    String secret =
        api.send(
                "POST",
                "/v1/tokens",
                "{\"principal\":\"Alice.Smith@example.com\",\"roles\":[\"deployer\"]}")
            .json()
            .path("token")
            .asText();
    ApiClient alice = api.as(secret);
    ApiClient.Reply personal =
        alice.send(
            "POST",
            "/v1/apps/profiles/environments",
            "{\"kind\":\"personal\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}");
    assertEquals(201, personal.status(), personal.body());
    assertEquals("alice-smith", personal.json().path("name").asText());
    assertEquals("Alice.Smith@example.com", personal.json().path("owner").asText());
    assertEquals("/v1/apps/profiles/environments/alice-smith", personal.header("Location"));
    assertEquals(
        409,
        alice
            .send(
                "POST",
                "/v1/apps/profiles/environments",
                "{\"kind\":\"personal\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status(),
        "create only");

    ApiClient.Reply deployed =
        alice.send(
            "POST",
            "/v1/apps/profiles/deployments",
            "{\"environment\":\"alice-smith\",\"version\":\"1.0.0\"}",
            Map.of("Idempotency-Key", "mine"));
    assertEquals(202, deployed.status(), deployed.body());
    JsonNode done = awaitTerminal("profiles", deployed.json().path("id").asText());
    assertEquals("succeeded", done.path("status").asText(), done.toString());
    assertEquals("profiles-alice-smith-orders", done.path("outputs").path("OrdersTable").asText());
    assertEquals("Alice.Smith@example.com", done.path("requestedBy").asText());
    assertEquals(
        "alice-smith",
        alice.get("/v1/me").json().path("personalEnvironment").asText(),
        "the API names the personal environment the same way for every surface");

    // Alice's personal environment is hers: another deployer can neither deploy, roll back nor
    // destroy there (an admin can).
    ApiClient bob =
        api.as(
            api.send("POST", "/v1/tokens", "{\"principal\":\"bob\",\"roles\":[\"deployer\"]}")
                .json()
                .path("token")
                .asText());
    assertEquals("bob", bob.get("/v1/me").json().path("personalEnvironment").asText());
    for (ApiClient.Reply refused :
        List.of(
            bob.send(
                "POST",
                "/v1/apps/profiles/deployments",
                "{\"environment\":\"alice-smith\",\"version\":\"1.1.0\"}"),
            bob.send("POST", "/v1/apps/profiles/environments/alice-smith/rollback", "{}"),
            bob.send(
                "DELETE", "/v1/apps/profiles/environments/alice-smith?confirm=alice-smith", ""))) {
      assertEquals(403, refused.status(), refused.body());
      assertEquals("forbidden", refused.json().path("code").asText());
      assertTrue(
          refused.json().path("detail").asText().contains("personal environment of Alice.Smith"),
          refused.body());
    }
    assertEquals(
        1,
        api.get("/v1/apps/profiles/environments/alice-smith/deployments")
            .json()
            .path("items")
            .size(),
        "nothing recorded");

    String expiry =
        Instant.now()
            .plus(Duration.ofHours(4))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    ApiClient.Reply ephemeral =
        alice.send(
            "POST",
            "/v1/apps/profiles/environments",
            "{\"kind\":\"ephemeral\",\"name\":\"pr-42\",\"account\":\"111111111111\",\"region\":\"eu-west-1\","
                + "\"expiresAt\":\""
                + expiry
                + "\"}");
    assertEquals(201, ephemeral.status(), ephemeral.body());
    assertEquals(
        400,
        alice
            .send(
                "POST",
                "/v1/apps/profiles/environments",
                "{\"kind\":\"ephemeral\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
            .status(),
        "an ephemeral environment needs a name and an expiry");
    ApiClient.Reply extended =
        alice.send("POST", "/v1/apps/profiles/environments/pr-42/extend", "{\"by\":\"2h\"}");
    assertEquals(200, extended.status(), extended.body());
    assertEquals(
        Instant.parse(expiry).plus(Duration.ofHours(2)),
        Instant.parse(extended.json().path("expiresAt").asText()));
    assertEquals(
        400,
        alice
            .send("POST", "/v1/apps/profiles/environments/pr-42/extend", "{\"by\":\"40d\"}")
            .status());
    assertEquals(
        409,
        alice
            .send("POST", "/v1/apps/profiles/environments/alice-smith/extend", "{\"by\":\"2h\"}")
            .status(),
        "personal environments do not expire");
  }

  @Test
  void aFrozenEnvironment_refusesDeploysAndDestroys_butTakesARollback_untilUnfrozen()
      throws Exception {
    registerApp("frosty");
    assertEquals(
        "succeeded",
        awaitTerminal("frosty", deploy("frosty", "qa", "1.0.0", "f-1").json().path("id").asText())
            .path("status")
            .asText());
    assertEquals(
        "succeeded",
        awaitTerminal("frosty", deploy("frosty", "qa", "1.1.0", "f-2").json().path("id").asText())
            .path("status")
            .asText());
    ApiClient.Reply frozen =
        api.send("PUT", "/v1/apps/frosty/environments/qa/freeze", "{\"reason\":\"incident 7\"}");
    assertEquals(200, frozen.status(), frozen.body());

    ApiClient.Reply deploy = deploy("frosty", "qa", "1.0.0", "f-3");
    assertEquals(409, deploy.status(), deploy.body());
    assertEquals("frozen", deploy.json().path("code").asText());
    assertTrue(deploy.json().path("detail").asText().contains("incident 7"), deploy.body());
    assertTrue(deploy.json().path("detail").asText().contains("local-admin"), deploy.body());

    ApiClient.Reply destroy = api.send("DELETE", "/v1/apps/frosty/environments/qa?confirm=qa", "");
    assertEquals(409, destroy.status(), destroy.body());
    assertEquals("frozen", destroy.json().path("code").asText());
    assertEquals(200, api.get("/v1/apps/frosty/environments/qa").status(), "still there");

    // Undoing a bad release is what a freeze is often for: the app's policy (by default) lets the
    // rollback through, and the deployment records that it went past the freeze, and why.
    assertTrue(
        api.get("/v1/apps/frosty").json().path("freeze").path("allowRollback").asBoolean(),
        "rollbacks go through a freeze by default");
    ApiClient.Reply rollback = api.send("POST", "/v1/apps/frosty/environments/qa/rollback", "{}");
    assertEquals(202, rollback.status(), rollback.body());
    JsonNode rolledBack = awaitTerminal("frosty", rollback.json().path("id").asText());
    assertEquals("succeeded", rolledBack.path("status").asText(), rolledBack.toString());
    assertEquals(
        "1.0.0",
        api.get("/v1/apps/frosty/environments/qa").json().path("deployedVersion").asText());
    JsonNode override = rolledBack.path("overrides").path(0);
    assertEquals("freeze", override.path("gate").asText(), rolledBack.toString());
    assertEquals("policy", override.path("basis").asText(), rolledBack.toString());
    assertTrue(override.path("detail").asText().contains("incident 7"), override.toString());
    JsonNode newest =
        api.get("/v1/apps/frosty/environments/qa/deployments").json().path("items").path(0);
    assertEquals(rolledBack.path("id").asText(), newest.path("id").asText());
    assertEquals(rolledBack.path("overrides"), newest.path("overrides"), "and in the history");
    assertFalse(
        api.get("/v1/apps/frosty/environments/qa/deployments")
            .json()
            .path("items")
            .path(1)
            .has("overrides"),
        "a deployment that went past no gate has no overrides");

    ApiClient.Reply unfrozen = api.send("DELETE", "/v1/apps/frosty/environments/qa/freeze", "");
    assertEquals(200, unfrozen.status(), unfrozen.body());
    assertEquals(202, deploy("frosty", "qa", "1.1.0", "f-4").status());
  }

  @Test
  void anAppWhoseFreezePolicyRefusesRollbacks_refusesARollbackIntoAFrozenEnvironment()
      throws Exception {
    ObjectNode policy = JSON.createObjectNode();
    policy.putObject("freeze").put("allowRollback", false);
    registerApp("icy", policy);
    assertFalse(
        api.get("/v1/apps/icy").json().path("freeze").path("allowRollback").asBoolean(true));
    for (String[] step : new String[][] {{"1.0.0", "i-1"}, {"1.1.0", "i-2"}}) {
      assertEquals(
          "succeeded",
          awaitTerminal("icy", deploy("icy", "qa", step[0], step[1]).json().path("id").asText())
              .path("status")
              .asText());
    }
    assertEquals(
        200,
        api.send("PUT", "/v1/apps/icy/environments/qa/freeze", "{\"reason\":\"audit\"}").status());
    ApiClient.Reply refused = api.send("POST", "/v1/apps/icy/environments/qa/rollback", "{}");
    assertEquals(409, refused.status(), refused.body());
    assertEquals("frozen", refused.json().path("code").asText());
    assertTrue(
        refused.json().path("detail").asText().contains("freeze.allowRollback is false"),
        refused.body());
    ApiClient.Reply deploy = deploy("icy", "qa", "1.0.0", "i-3");
    assertTrue(
        deploy.json().path("detail").asText().contains("refuses rollbacks during a freeze too"),
        deploy.body());
    assertEquals(
        2,
        api.get("/v1/apps/icy/environments/qa/deployments").json().path("items").size(),
        "nothing recorded by the refusals");
    assertEquals(
        "1.1.0", api.get("/v1/apps/icy/environments/qa").json().path("deployedVersion").asText());
  }

  @Test
  void protection_isAnAdminDecision_aDeployerCanNeitherUnprotectNorDropIt() throws Exception {
    registerApp("guarded");
    String prod = "{\"tier\":\"prod\",\"account\":\"222222222222\",\"region\":\"eu-west-1\"";
    ApiClient.Reply made = api.send("PUT", "/v1/apps/guarded/environments/prod", prod + "}");
    assertEquals(201, made.status(), made.body());
    assertTrue(made.json().path("protected").asBoolean(), "prod is protected by default");
    ApiClient.Reply issued =
        api.send("POST", "/v1/tokens", "{\"principal\":\"dora\",\"roles\":[\"deployer\"]}");
    assertEquals(201, issued.status(), issued.body());
    ApiClient dora = new ApiClient(cloud.endpoint(), issued.json().path("token").asText());

    ApiClient.Reply unprotect =
        dora.send("PUT", "/v1/apps/guarded/environments/prod", prod + ",\"protected\":false}");
    assertEquals(403, unprotect.status(), unprotect.body());
    assertEquals("forbidden", unprotect.json().path("code").asText());
    assertTrue(unprotect.json().path("detail").asText().contains("admin role"), unprotect.body());

    ApiClient.Reply silent = dora.send("PUT", "/v1/apps/guarded/environments/prod", prod + "}");
    assertEquals(200, silent.status(), silent.body());
    assertTrue(silent.json().path("protected").asBoolean(), "left out, protection stays");
    ApiClient.Reply destroy =
        dora.send("DELETE", "/v1/apps/guarded/environments/prod?confirm=prod", "");
    assertEquals(409, destroy.status(), destroy.body());
    assertEquals("protected", destroy.json().path("code").asText());

    ApiClient.Reply protectQa =
        dora.send(
            "PUT",
            "/v1/apps/guarded/environments/qa",
            "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"eu-west-1\","
                + "\"protected\":true}");
    assertEquals(403, protectQa.status(), "protecting needs the admin role too");

    ApiClient.Reply byAdmin =
        api.send("PUT", "/v1/apps/guarded/environments/prod", prod + ",\"protected\":false}");
    assertEquals(200, byAdmin.status(), byAdmin.body());
    assertFalse(byAdmin.json().path("protected").asBoolean());
  }
}
