package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LocalAws;
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
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

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

  /** Revision 1 of the ledger template: one table, {@code ledger}, and a parameter. */
  private static final String LEDGER_R1 =
      """
      {"Parameters": {"ReleaseVersion": {"Type": "String"}},
       "Resources": {
         "Ledger": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "ledger",
           "BillingMode": "PAY_PER_REQUEST",
           "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
           "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]}},
         "Version": {"Type": "AWS::SSM::Parameter",
           "Properties": {"Type": "String", "Value": {"Ref": "ReleaseVersion"}}}},
       "Outputs": {"LedgerTable": {"Value": {"Ref": "Ledger"}}}}
      """;

  /**
   * Revision 2: the table replaced (a new name, another key) and a property changed (its billing).
   */
  private static final String LEDGER_R2 =
      LEDGER_R1
          .replace("\"ledger\"", "\"ledger-v2\"")
          .replace(
              "\"PAY_PER_REQUEST\"",
              "\"PROVISIONED\", \"ProvisionedThroughput\":"
                  + " {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": 1}")
          .replace("\"AttributeName\": \"id\"", "\"AttributeName\": \"pk\"");

  private static JsonNode deployed(String app, String env, String version, String key)
      throws Exception {
    ApiClient.Reply accepted = deploy(app, env, version, key);
    assertEquals(202, accepted.status(), accepted.body());
    JsonNode done = awaitTerminal(app, accepted.json().path("id").asText());
    assertEquals("succeeded", done.path("status").asText(), done.toString());
    return done;
  }

  private static java.util.List<String> tables() {
    return cloud.dynamo().client().listTables().tableNames();
  }

  /**
   * Issue 13, point 1: a release is made from the template revision it was registered with, in
   * every deployment, rollback, redeploy, plan and promotion of it, whatever the app's template is
   * now; point 6: the environment says in one read what runs there.
   */
  @Test
  void aRelease_alwaysUsesItsTemplateRevision_inDeploysRollbacksRedeploysPlansAndPromotions()
      throws Exception {
    ObjectNode app = JSON.createObjectNode().put("name", "books");
    app.putArray("pipeline").add("dev").add("staging");
    app.putObject("template").set("body", JSON.readTree(LEDGER_R1));
    ApiClient.Reply created = api.send("POST", "/v1/apps", JSON.writeValueAsString(app));
    assertEquals(201, created.status(), created.body());
    assertEquals(1, created.json().path("templateRevision").asInt(), created.body());
    for (String[] env : new String[][] {{"dev", "dev"}, {"staging", "staging"}}) {
      assertEquals(
          201,
          api.send(
                  "PUT",
                  "/v1/apps/books/environments/" + env[0],
                  "{\"tier\":\""
                      + env[1]
                      + "\",\"account\":\"111111111111\",\"region\":\"eu-west-1\"}")
              .status());
    }
    String release =
        "{\"version\":\"%s\",\"artifactUri\":\"s3://artifacts/books-%s.zip\",\"digest\":\""
            + LocalCloudTest.DIGEST
            + "\"}";
    ApiClient.Reply one =
        api.send("POST", "/v1/apps/books/releases", release.formatted("1.0", "1.0"));
    assertEquals(1, one.json().path("templateRevision").asInt(), one.body());

    app.putObject("template").set("body", JSON.readTree(LEDGER_R2));
    ApiClient.Reply changed = api.send("PUT", "/v1/apps/books", JSON.writeValueAsString(app));
    assertEquals(200, changed.status(), changed.body());
    assertEquals(2, changed.json().path("templateRevision").asInt(), changed.body());
    ApiClient.Reply two =
        api.send("POST", "/v1/apps/books/releases", release.formatted("2.0", "2.0"));
    assertEquals(2, two.json().path("templateRevision").asInt(), two.body());

    JsonNode revisions = api.get("/v1/apps/books/templates").json().path("items");
    assertEquals(2, revisions.size(), revisions.toString());
    assertEquals(2, revisions.get(0).path("revision").asInt(), "newest first");
    assertNotEquals(revisions.get(0).path("digest"), revisions.get(1).path("digest"));
    assertFalse(revisions.get(0).has("body"), "the listing leaves the bodies out");
    JsonNode first = api.get("/v1/apps/books/templates/1").json();
    assertEquals(
        "ledger",
        first.at("/body/Resources/Ledger/Properties/TableName").asText(),
        first.toString());
    assertEquals(404, api.get("/v1/apps/books/templates/3").status());
    assertEquals(400, api.get("/v1/apps/books/templates/0").status());

    // Deploy 1.0, then 2.0: each from its own revision.
    JsonNode deployedOne = deployed("books", "dev", "1.0", "books-1.0");
    assertEquals(1, deployedOne.path("templateRevision").asInt(), deployedOne.toString());
    assertEquals("books-dev-ledger", deployedOne.path("outputs").path("LedgerTable").asText());
    JsonNode deployedTwo = deployed("books", "dev", "2.0", "books-2.0");
    assertEquals(2, deployedTwo.path("templateRevision").asInt());
    assertEquals("books-dev-ledger-v2", deployedTwo.path("outputs").path("LedgerTable").asText());
    assertTrue(tables().contains("books-dev-ledger-v2"));
    assertFalse(tables().contains("books-dev-ledger"), "revision 2 replaced the table");

    // What rolling 1.0 back in would change is planned from revision 1.
    JsonNode plan =
        api.get("/v1/apps/books/environments/dev/diff?version=1.0").json().path("changes");
    JsonNode ledgerChange = null;
    for (JsonNode c : plan) {
      if (c.path("logicalId").asText().equals("Ledger")) {
        ledgerChange = c;
      }
    }
    assertNotNull(ledgerChange, plan.toString());
    assertTrue(ledgerChange.path("replacement").asBoolean(), plan.toString());

    // The rollback puts revision 1's resources back.
    ApiClient.Reply rollback = api.send("POST", "/v1/apps/books/environments/dev/rollback", "{}");
    assertEquals(202, rollback.status(), rollback.body());
    JsonNode rolledBack = awaitTerminal("books", rollback.json().path("id").asText());
    assertEquals("succeeded", rolledBack.path("status").asText(), rolledBack.toString());
    assertEquals("1.0", rolledBack.path("version").asText());
    assertEquals(1, rolledBack.path("templateRevision").asInt());
    assertEquals("books-dev-ledger", rolledBack.path("outputs").path("LedgerTable").asText());
    assertTrue(tables().contains("books-dev-ledger"));
    assertFalse(tables().contains("books-dev-ledger-v2"));
    assertEquals(
        "id",
        cloud
            .dynamo()
            .client()
            .describeTable(d -> d.tableName("books-dev-ledger"))
            .table()
            .keySchema()
            .get(0)
            .attributeName(),
        "the table as revision 1 makes it (revision 2 keys it by pk)");

    // One read tells what runs there.
    JsonNode env = api.get("/v1/apps/books/environments/dev").json();
    assertEquals("1.0", env.path("deployedVersion").asText(), env.toString());
    assertEquals(LocalCloudTest.DIGEST, env.path("deployedDigest").asText());
    assertEquals(1, env.path("deployedTemplateRevision").asInt());
    assertEquals("local-admin", env.path("deployedRequestedBy").asText());
    assertEquals(rolledBack.path("id").asText(), env.path("deployedBy").asText());
    assertEquals("books-dev-ledger", env.path("outputs").path("LedgerTable").asText());
    assertEquals(
        Set.of(
            "Ledger AWS::DynamoDB::Table books-dev-ledger",
            "Version AWS::SSM::Parameter /books/dev/Version"),
        java.util.stream.StreamSupport.stream(env.path("resources").spliterator(), false)
            .map(
                r ->
                    r.path("logicalId").asText()
                        + " "
                        + r.path("type").asText()
                        + " "
                        + r.path("physicalId").asText())
            .collect(java.util.stream.Collectors.toSet()));

    // Redeploying releases that succeeded before succeeds, each from its own revision.
    assertEquals(
        "books-dev-ledger-v2",
        deployed("books", "dev", "2.0", "books-2.0-again")
            .path("outputs")
            .path("LedgerTable")
            .asText());
    JsonNode again = deployed("books", "dev", "1.0", "books-1.0-again");
    assertEquals("books-dev-ledger", again.path("outputs").path("LedgerTable").asText());
    JsonNode unchanged = deployed("books", "dev", "1.0", "books-1.0-once-more");
    assertEquals(0, unchanged.path("plan").path("changes").size(), unchanged.toString());

    // Promoting 1.0 to staging makes staging from revision 1, though the app is at revision 2.
    ApiClient.Reply promoted =
        api.send("POST", "/v1/apps/books/promotions", "{\"version\":\"1.0\",\"from\":\"staging\"}");
    assertEquals(202, promoted.status(), promoted.body());
    String promotion = promoted.json().path("promotionId").asText();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    JsonNode p = null;
    while (Instant.now().isBefore(deadline)) {
      p = api.get("/v1/apps/books/promotions/" + promotion).json();
      if (Set.of("succeeded", "failed", "superseded").contains(p.path("status").asText())) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("succeeded", p.path("status").asText(), String.valueOf(p));
    JsonNode staging = api.get("/v1/apps/books/environments/staging").json();
    assertEquals("1.0", staging.path("deployedVersion").asText(), staging.toString());
    assertEquals(1, staging.path("deployedTemplateRevision").asInt(), staging.toString());
    assertEquals("books-staging-ledger", staging.path("outputs").path("LedgerTable").asText());
    assertTrue(tables().contains("books-staging-ledger"));
    assertFalse(tables().contains("books-staging-ledger-v2"));
    assertEquals(2, api.get("/v1/apps/books").json().path("templateRevision").asInt());
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

  /**
   * Rotation status end to end: a secret made and set to rotate through the local Secrets Manager
   * with the AWS SDK, referenced by an environment in the local cloud's own account and region; the
   * deploy reads it (DescribeSecret, through the provisioner function's SDK client) and the
   * environment shows it. A reference to a secret that does not exist is unknown with its reason,
   * and the deployment succeeds all the same; an SSM parameter does not rotate.
   */
  @Test
  void aDeploy_recordsHowTheEnvironmentsSecretsRotate_readFromTheLocalSecretsManager()
      throws Exception {
    String arn;
    try (SecretsManagerClient secrets =
        SecretsManagerClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(LocalAws.credentials(dir))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      arn =
          secrets
              .createSecret(r -> r.name("vault/db-password").secretString("correct horse"))
              .arn();
      secrets.rotateSecret(
          r -> r.secretId(arn).rotationRules(rules -> rules.automaticallyAfterDays(30L)));
    }
    String missing = arn.replace("vault/db-password", "vault/nobody");
    ApiClient.Reply app =
        api.send(
            "POST",
            "/v1/apps",
            "{\"name\":\"vault\",\"pipeline\":[\"dev\"],\"template\":{\"body\":"
                + Fixtures.ORDERS_TEMPLATE
                + "}}");
    assertEquals(201, app.status(), app.body());
    ApiClient.Reply elsewhere =
        api.send(
            "PUT",
            "/v1/apps/vault/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"111111111111\",\"region\":\"us-east-1\","
                + "\"secrets\":{\"DB_PASSWORD\":\""
                + arn
                + "\"}}");
    assertEquals(400, elsewhere.status(), "the secret is in the local account, not 111111111111");
    assertEquals("secrets.DB_PASSWORD", elsewhere.json().at("/errors/0/field").asText());
    ApiClient.Reply put =
        api.send(
            "PUT",
            "/v1/apps/vault/environments/dev",
            "{\"tier\":\"dev\",\"account\":\"000000000000\",\"region\":\"us-east-1\","
                + "\"config\":{\"LOG_LEVEL\":\"debug\"},\"secrets\":{\"DB_PASSWORD\":\""
                + arn
                + "\",\"GONE\":\""
                + missing
                + "\",\"API_KEY\":\"ssm:/vault/api-key\"}}");
    assertEquals(201, put.status(), put.body());
    JsonNode before = put.json().path("secretRotation");
    assertEquals("unknown", before.at("/DB_PASSWORD/status").asText(), before.toString());
    assertTrue(before.at("/DB_PASSWORD/reason").asText().startsWith("not read yet"));
    ApiClient.Reply release =
        api.send(
            "POST",
            "/v1/apps/vault/releases",
            "{\"version\":\"1.0.0\",\"artifactUri\":\"s3://artifacts/vault-1.0.0.zip\","
                + "\"digest\":\""
                + LocalCloudTest.DIGEST
                + "\"}");
    assertEquals(201, release.status(), release.body());

    ApiClient.Reply accepted = deploy("vault", "dev", "1.0.0", "vault-first");
    assertEquals(202, accepted.status(), accepted.body());
    JsonNode done = awaitTerminal("vault", accepted.json().path("id").asText());
    assertEquals("succeeded", done.path("status").asText(), done.toString());

    ApiClient.Reply got = api.get("/v1/apps/vault/environments/dev");
    JsonNode rotation = got.json().path("secretRotation");
    JsonNode db = rotation.path("DB_PASSWORD");
    assertEquals("enabled", db.path("status").asText(), rotation.toString());
    assertEquals(30, db.path("days").asInt());
    Instant last = Instant.parse(db.path("lastRotatedAt").asText());
    assertEquals(last.plus(Duration.ofDays(30)), Instant.parse(db.path("nextRotationAt").asText()));
    assertFalse(
        Instant.parse(db.path("checkedAt").asText()).isBefore(last), "read after it rotated");
    assertEquals("unknown", rotation.at("/GONE/status").asText(), rotation.toString());
    assertEquals("Secrets Manager has no such secret", rotation.at("/GONE/reason").asText());
    assertEquals("not_applicable", rotation.at("/API_KEY/status").asText());
    assertFalse(got.body().contains("correct horse"), "never the value");
  }
}
