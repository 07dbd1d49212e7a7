package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.local.LocalCloud;
import io.stagecoach.local.http.LocalCredentials;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * deploy, history, diff, rollback, the personal and ephemeral environment commands and destroy,
 * against a real local cloud whose dev provisioner makes each environment's DynamoDB table.
 */
class CliDeployCommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "9f".repeat(32);

  /** Real time, polled often: the local cloud deploys in well under a second. */
  static final Follow.Pacing FAST =
      Follow.Pacing.standard()
          .withInterval(Duration.ofMillis(100))
          .withTimeout(Duration.ofMinutes(2));

  @TempDir static Path work;
  static LocalCloud cloud;
  static CliEnvironment env;

  @BeforeAll
  static void startTheLocalCloud() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(work.resolve(".stagecoach")).withPort(0));
    env =
        new CliEnvironment(
            Map.of(CliEnvironment.ENDPOINT, cloud.endpoint().toString()),
            work,
            work.resolve("home"),
            "tester");
    Files.writeString(work.resolve("orders-template.json"), Fixtures.ORDERS_TEMPLATE);
  }

  @AfterAll
  static void stopTheLocalCloud() throws Exception {
    cloud.close();
  }

  static CliRun cli(String... args) {
    return CliRun.run(env, FAST, args);
  }

  static CliRun ok(String... args) {
    CliRun run = cli(args);
    assertEquals(0, run.code(), run.printed());
    return run;
  }

  static JsonNode json(CliRun run) throws Exception {
    return JSON.readTree(run.out());
  }

  /**
   * dev -> staging -> prod from the orders template (one DynamoDB table), with releases 1.0.0 and
   * 1.1.0.
   */
  static void registerApp(String app) {
    ok(
        "apps",
        "create",
        app,
        "--pipeline",
        "dev,staging,prod",
        "--template",
        "orders-template.json");
    ok(
        "envs",
        "put",
        app,
        "dev",
        "--tier",
        "dev",
        "--account",
        "111111111111",
        "--region",
        "eu-west-1",
        "--config",
        "LOG_LEVEL=debug");
    ok(
        "envs",
        "put",
        app,
        "staging",
        "--tier",
        "staging",
        "--account",
        "222222222222",
        "--region",
        "eu-west-1");
    for (String version : new String[] {"1.0.0", "1.1.0"}) {
      ok(
          "releases",
          "create",
          app,
          version,
          "--artifact",
          "s3://artifacts/" + app + "/" + version + ".zip",
          "--digest",
          DIGEST);
    }
  }

  static String lastLine(String text) {
    return text.strip().lines().reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void deployWait_toDev_followsItToSucceeded_andHistoryListsIt() throws Exception {
    registerApp("orders");
    CliRun deployed = ok("deploy", "orders", "1.0.0", "--to", "dev", "--wait");
    assertTrue(deployed.out().startsWith("requested deployment d-"), deployed.printed());
    assertTrue(
        deployed.out().lines().anyMatch(l -> l.matches("\\[ +\\d+s\\] dev: succeeded")),
        deployed.printed());
    assertTrue(
        deployed
            .out()
            .lines()
            .anyMatch(l -> l.matches("(outputs:)?\\s+OrdersTable=orders-dev-orders")),
        deployed.printed());
    assertTrue(
        deployed
            .out()
            .lines()
            .anyMatch(l -> l.matches("plan:\\s+2 to add, 0 to change, 0 to replace, 0 to remove")),
        deployed.printed());
    assertTrue(
        deployed.err().startsWith("idempotency key "),
        "a generated key is printed to retry with: " + deployed.printed());
    String id =
        deployed
            .out()
            .lines()
            .filter(l -> l.startsWith("deployment:"))
            .findFirst()
            .orElseThrow()
            .substring("deployment:".length())
            .strip();
    assertTrue(cloud.dynamo().client().listTables().tableNames().contains("orders-dev-orders"));

    CliRun history = ok("history", "orders", "dev");
    assertTrue(
        history
            .out()
            .lines()
            .findFirst()
            .orElseThrow()
            .matches("ID\\s+ACTION\\s+VERSION\\s+STATUS.*"),
        history.printed());
    assertTrue(
        history
            .out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        id + "\\s+deploy\\s+1\\.0\\.0\\s+succeeded\\s+api\\s+.*local-admin.*")),
        history.printed());
    assertEquals(
        "1.0.0",
        json(ok("envs", "get", "orders", "dev", "--json")).path("deployedVersion").asText());
    assertEquals(
        "succeeded",
        json(ok("deployments", "get", "orders", id, "--json")).path("status").asText());
  }

  @Test
  void deploy_withAKey_isTheSameDeploymentWhenRepeated_andWithoutWait_saysHowToFollowIt()
      throws Exception {
    registerApp("keyed");
    CliRun first = ok("deploy", "keyed", "1.0.0", "--to", "dev", "--key", "keyed-1.0.0-dev");
    assertTrue(first.out().startsWith("requested deployment d-"), first.printed());
    assertFalse(
        first.err().contains("idempotency key"),
        "a key given is not printed back: " + first.printed());
    String id =
        json(ok("deploy", "keyed", "1.0.0", "--to", "dev", "--key", "keyed-1.0.0-dev", "--json"))
            .path("id")
            .asText();
    assertTrue(first.out().contains(id), first.printed());
    assertTrue(
        first.err().contains("stagecoach deployments get keyed " + id + " --wait"),
        first.printed());
    CliRun again = ok("deploy", "keyed", "1.0.0", "--to", "dev", "--key", "keyed-1.0.0-dev");
    assertTrue(
        again.out().startsWith("already requested with this key: deployment " + id),
        again.printed());

    CliRun otherBody = cli("deploy", "keyed", "1.1.0", "--to", "dev", "--key", "keyed-1.0.0-dev");
    assertEquals(ExitCode.REFUSED, otherBody.code(), otherBody.printed());
    CliRun followed = ok("deployments", "get", "keyed", id, "--wait");
    assertTrue(followed.out().contains("dev: succeeded"), followed.printed());
  }

  @Test
  void deploy_toStaging_isRefused_promotionRequired_exit3() {
    registerApp("billing");
    CliRun refused = cli("deploy", "billing", "1.0.0", "--to", "staging");
    assertEquals(ExitCode.REFUSED, refused.code(), refused.printed());
    assertTrue(
        refused.err().lines().anyMatch(l -> l.startsWith("stagecoach: ")), refused.printed());
    assertEquals("no deployments to billing/staging\n", ok("history", "billing", "staging").out());
    assertEquals(ExitCode.NOT_FOUND, cli("deploy", "billing", "9.9.9", "--to", "dev").code());
    assertEquals(ExitCode.INVALID, cli("deploy", "billing").code(), "VERSION is required");
  }

  @Test
  void diff_printsThePlan_beforeAndAfterADeploy_andChangesNothing() {
    registerApp("ledger");
    CliRun before = ok("diff", "ledger", "dev", "1.0.0");
    assertTrue(
        before.out().startsWith("ledger/dev: (nothing deployed) -> 1.0.0\n"), before.printed());
    assertTrue(
        before.out().lines().anyMatch(l -> l.matches("\\+\\s+Orders\\s+AWS::DynamoDB::Table")),
        before.printed());
    assertTrue(
        before
            .out()
            .lines()
            .anyMatch(l -> l.equals("2 to add, 0 to change, 0 to replace, 0 to remove")),
        before.printed());
    assertFalse(
        cloud.dynamo().client().listTables().tableNames().contains("ledger-dev-orders"),
        "diff makes nothing");

    ok("deploy", "ledger", "1.0.0", "--to", "dev", "--wait");
    CliRun same = ok("diff", "ledger", "dev", "1.0.0");
    assertTrue(same.out().contains("no changes"), same.printed());
    CliRun next = ok("diff", "ledger", "dev", "1.1.0");
    assertTrue(next.out().startsWith("ledger/dev: 1.0.0 -> 1.1.0\n"), next.printed());
    assertTrue(
        next.out().lines().anyMatch(l -> l.matches("~\\s+Version\\s+AWS::SSM::Parameter")),
        next.printed());
    assertTrue(
        next.out()
            .lines()
            .anyMatch(l -> l.equals("0 to add, 1 to change, 0 to replace, 0 to remove")),
        next.printed());
    // The property that changes, before and after; the parameter it comes from.
    assertTrue(
        next.out()
            .lines()
            .anyMatch(l -> l.matches("Version\\s+Value\\s+1\\.0\\.0\\s+1\\.1\\.0\\s+never")),
        next.printed());
    assertTrue(
        next.out()
            .lines()
            .anyMatch(l -> l.matches("ReleaseVersion\\s+1\\.0\\.0\\s+1\\.1\\.0\\s+release")),
        next.printed());
    assertTrue(next.out().contains("\nblast radius: LOW\n"), next.printed());
    assertTrue(next.out().contains("\ncost: USD 0.44 -> 0.44 a month (0.00)\n"), next.printed());
    assertEquals(ExitCode.NOT_FOUND, cli("diff", "ledger", "dev", "9.9.9").code());
  }

  /**
   * Break-glass on the command line: an admin forces a deploy into a frozen environment, nothing
   * happens until a second admin confirms it, and the deployment says how it got past the freeze.
   */
  @Test
  void deployBreakGlass_waitsForASecondAdminsConfirm_thenDeploysPastTheFreeze() throws Exception {
    registerApp("forced");
    ok("freeze", "forced", "dev", "--reason", "incident 77");
    CliRun asked =
        ok("deploy", "forced", "1.0.0", "--to", "dev", "--break-glass", "hotfix for incident 77");
    assertTrue(asked.out().startsWith("asked for break-glass bg-"), asked.printed());
    String id = asked.out().substring("asked for break-glass ".length()).split(":")[0];
    assertTrue(json(ok("history", "forced", "dev", "--json")).path("items").isEmpty());
    CliRun own = cli("break-glass", "confirm", id);
    assertEquals(ExitCode.REFUSED, own.code(), "not by the admin who asked: " + own.printed());

    String bob =
        json(ok("tokens", "issue", "bob", "--role", "admin", "--json")).path("token").asText();
    CliRun confirmed = ok("break-glass", "confirm", id, "--token", bob);
    assertTrue(confirmed.out().startsWith("confirmed break-glass " + id), confirmed.printed());
    CliRun listed = ok("break-glass", "list");
    assertTrue(
        listed.out().lines().anyMatch(l -> l.startsWith(id) && l.contains("confirmed")),
        listed.printed());
    String deployment = json(ok("break-glass", "get", id, "--json")).path("deploymentId").asText();
    CliRun shown = ok("deployments", "get", "forced", deployment, "--wait");
    assertTrue(shown.out().contains("dev: succeeded"), shown.printed());
    assertTrue(
        shown.out().lines().anyMatch(l -> l.matches("overrides:\\s+freeze \\(break-glass\\): .*")),
        shown.printed());
  }

  /**
   * Break-glass for a promotion on the command line: an admin forces a promotion whose first stage
   * is frozen; nothing starts until a second admin confirms, and then it goes through, its frozen
   * stage's deployment saying how it got past the freeze.
   */
  @Test
  void promoteBreakGlass_startsOnASecondAdminsConfirm_andGoesThroughTheFrozenStage()
      throws Exception {
    registerApp("rushed");
    ok(
        "envs",
        "put",
        "rushed",
        "prod",
        "--tier",
        "prod",
        "--account",
        "333333333333",
        "--region",
        "eu-west-1");
    ok("freeze", "rushed", "dev", "--reason", "incident 78");
    CliRun plain = cli("promote", "rushed", "1.0.0", "--to", "staging");
    assertEquals(ExitCode.REFUSED, plain.code(), "refused without break-glass: " + plain.printed());
    assertTrue(plain.err().contains("incident 78"), plain.printed());
    CliRun asked =
        ok(
            "promote",
            "rushed",
            "1.0.0",
            "--to",
            "staging",
            "--break-glass",
            "hotfix for incident 78");
    assertTrue(asked.out().startsWith("asked for break-glass bg-"), asked.printed());
    assertTrue(
        asked.out().contains("'stagecoach break-glass confirm bg-"),
        "says how: " + asked.printed());
    assertTrue(
        asked
            .out()
            .lines()
            .anyMatch(l -> l.matches("what:\\s+promote rushed 1.0.0 through dev, staging")),
        asked.printed());
    assertTrue(
        asked.out().lines().anyMatch(l -> l.matches("past:\\s+dev: freeze")), asked.printed());
    String id = asked.out().substring("asked for break-glass ".length()).split(":")[0];
    assertTrue(json(ok("promotions", "list", "rushed", "--json")).path("items").isEmpty());
    assertEquals(ExitCode.REFUSED, cli("break-glass", "confirm", id).code(), "not by who asked");

    String carol =
        json(ok("tokens", "issue", "carol", "--role", "admin", "--json")).path("token").asText();
    CliRun confirmed = ok("break-glass", "confirm", id, "--token", carol);
    assertTrue(
        confirmed.out().startsWith("confirmed break-glass " + id + ": started promotion pr-" + id),
        confirmed.printed());
    String promotion = json(ok("break-glass", "get", id, "--json")).path("promotionId").asText();
    CliRun followed = ok("promotions", "get", "rushed", promotion, "--wait");
    assertTrue(followed.out().contains("promotion succeeded"), followed.printed());
    JsonNode dev = json(ok("history", "rushed", "dev", "--json")).path("items").path(0);
    assertEquals("succeeded", dev.path("status").asText(), dev.toString());
    assertEquals("freeze", dev.at("/overrides/0/gate").asText(), dev.toString());
    assertEquals("break-glass", dev.at("/overrides/0/basis").asText(), dev.toString());
    JsonNode staging = json(ok("history", "rushed", "staging", "--json")).path("items").path(0);
    assertEquals("succeeded", staging.path("status").asText(), staging.toString());
    assertTrue(staging.path("overrides").isEmpty(), "staging had no gate to go past");
  }

  @Test
  void rollbackWait_putsTheEnvironmentBackOnItsLastGoodRelease() throws Exception {
    registerApp("catalog");
    CliRun nothing = cli("rollback", "catalog", "dev");
    assertEquals(
        ExitCode.REFUSED,
        nothing.code(),
        "nothing deployed, nothing to roll back: " + nothing.printed());
    ok("deploy", "catalog", "1.0.0", "--to", "dev", "--wait");
    ok("deploy", "catalog", "1.1.0", "--to", "dev", "--wait");
    assertEquals(
        ExitCode.REFUSED,
        cli("rollback", "catalog", "dev", "--version", "9.9.9").code(),
        "only to a release that succeeded there");

    CliRun rolledBack = ok("rollback", "catalog", "dev", "--wait");
    assertTrue(
        rolledBack.out().startsWith("rolling back catalog/dev to 1.0.0: deployment d-"),
        rolledBack.printed());
    assertTrue(rolledBack.out().contains("dev: succeeded"), rolledBack.printed());
    assertEquals(
        "1.0.0",
        json(ok("envs", "get", "catalog", "dev", "--json")).path("deployedVersion").asText());
    JsonNode history = json(ok("history", "catalog", "dev", "--json")).path("items");
    assertTrue(history.path(0).path("origin").asText().startsWith("rollback"), history.toString());
  }

  @Test
  void personalEnvironment_isNamedAsUserenvSays_andDeployDefaultsToIt_thenDestroyWaitRemovesIt()
      throws Exception {
    registerApp("profiles");
    Path mine = Files.createDirectories(work.resolve("mine/.stagecoach")).getParent();
    Files.writeString(mine.resolve(".stagecoach/userenv"), "sandbox-7\n");
    CliEnvironment here =
        new CliEnvironment(
            Map.of(
                CliEnvironment.ENDPOINT,
                cloud.endpoint().toString(),
                CliEnvironment.TOKEN,
                cloud.adminToken()),
            mine,
            work.resolve("home"),
            "Tester.Person");

    CliRun created =
        CliRun.run(
            here,
            FAST,
            "envs",
            "create",
            "profiles",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertEquals(0, created.code(), created.printed());
    assertTrue(
        created.out().startsWith("created personal environment profiles/sandbox-7"),
        created.printed());
    CliRun again =
        CliRun.run(
            here,
            FAST,
            "envs",
            "create",
            "profiles",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertEquals(ExitCode.REFUSED, again.code(), "create only: " + again.printed());

    CliRun deployed = CliRun.run(here, FAST, "deploy", "profiles", "1.0.0", "--wait");
    assertEquals(0, deployed.code(), deployed.printed());
    assertTrue(deployed.out().startsWith("requested deployment d-"), deployed.printed());
    assertTrue(deployed.out().contains("-> sandbox-7"), deployed.printed());
    assertTrue(
        deployed.out().contains("OrdersTable=profiles-sandbox-7-orders"), deployed.printed());

    // Without a userenv file, the name the API gives the token's principal (local-admin), never
    // the OS user's.
    Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
    CliEnvironment there =
        new CliEnvironment(here.variables(), elsewhere, work.resolve("home"), "Tester.Person");
    CliRun byUser =
        CliRun.run(
            there,
            FAST,
            "envs",
            "create",
            "profiles",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertEquals(0, byUser.code(), byUser.printed());
    assertTrue(
        byUser.out().startsWith("created personal environment profiles/local-admin"),
        byUser.printed());

    CliRun destroyed = ok("envs", "destroy", "profiles", "sandbox-7", "--wait");
    assertTrue(
        destroyed.out().startsWith("destroying environment profiles/sandbox-7: deployment "),
        destroyed.printed());
    assertTrue(destroyed.out().contains("sandbox-7: succeeded (destroy)"), destroyed.printed());
    assertEquals(ExitCode.NOT_FOUND, cli("envs", "get", "profiles", "sandbox-7").code());
    assertFalse(
        cloud.dynamo().client().listTables().tableNames().contains("profiles-sandbox-7-orders"));
    assertEquals(
        "deleted environment profiles/local-admin\n",
        ok("envs", "delete", "profiles", "local-admin").out(),
        "one that never received a release is only unregistered");
  }

  /**
   * One person, one personal environment: with Alice's token, wherever the CLI runs and whoever the
   * OS user is, the default is the environment the API names after Alice; another person's is
   * refused (exit 3, forbidden), whether named with --to or in a userenv file.
   */
  @Test
  void withAlicesToken_theCliDeploysIntoAlicesEnvironment_neverIntoAnotherPersons()
      throws Exception {
    registerApp("wallets");
    String alice =
        json(ok("tokens", "issue", "Alice.Smith", "--role", "deployer", "--json"))
            .path("token")
            .asText();
    ok(
        "envs",
        "create",
        "wallets",
        "--kind",
        "personal",
        "--name",
        "root",
        "--owner",
        "root",
        "--account",
        "111111111111",
        "--region",
        "eu-west-1");
    Path home = Files.createDirectories(work.resolve("alice-home"));
    CliEnvironment asAlice =
        new CliEnvironment(
            Map.of(
                CliEnvironment.ENDPOINT, cloud.endpoint().toString(), CliEnvironment.TOKEN, alice),
            home,
            work.resolve("home"),
            "root");
    CliRun whoami = CliRun.run(asAlice, FAST, "whoami");
    assertTrue(
        whoami.out().lines().anyMatch(l -> l.matches("personal env:\\s+alice-smith")),
        whoami.printed());
    CliRun created =
        CliRun.run(
            asAlice,
            FAST,
            "envs",
            "create",
            "wallets",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertTrue(
        created.out().startsWith("created personal environment wallets/alice-smith"),
        created.printed());
    CliRun deployed = CliRun.run(asAlice, FAST, "deploy", "wallets", "1.0.0", "--wait");
    assertEquals(0, deployed.code(), deployed.printed());
    assertTrue(deployed.out().contains("-> alice-smith"), deployed.printed());

    CliRun intoRoots = CliRun.run(asAlice, FAST, "deploy", "wallets", "1.0.0", "--to", "root");
    assertEquals(ExitCode.REFUSED, intoRoots.code(), intoRoots.printed());
    assertTrue(
        intoRoots.err().contains("is the personal environment of root"), intoRoots.printed());
    Files.createDirectories(home.resolve(".stagecoach"));
    Files.writeString(home.resolve(".stagecoach/userenv"), "Root\n");
    CliRun byUserenv = CliRun.run(asAlice, FAST, "deploy", "wallets", "1.0.0");
    assertEquals(ExitCode.REFUSED, byUserenv.code(), byUserenv.printed());
    Files.writeString(home.resolve(".stagecoach/userenv"), "42\n");
    CliRun invalid = CliRun.run(asAlice, FAST, "deploy", "wallets", "1.0.0");
    assertEquals(ExitCode.INVALID, invalid.code(), invalid.printed());
    assertTrue(
        json(ok("history", "wallets", "root", "--json")).path("items").isEmpty(),
        "nothing was ever deployed into root's environment");
  }

  @Test
  void ephemeralEnvironment_expiresAndExtends_personalOnesDoNot() throws Exception {
    registerApp("previews");
    CliRun created =
        ok(
            "envs",
            "create",
            "previews",
            "--kind",
            "ephemeral",
            "--name",
            "pr-42",
            "--expires-in",
            "4h",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertTrue(
        created.out().startsWith("created ephemeral environment previews/pr-42"),
        created.printed());
    Instant expiry =
        Instant.parse(
            json(ok("envs", "get", "previews", "pr-42", "--json")).path("expiresAt").asText());
    assertTrue(
        Duration.between(Instant.now(), expiry).compareTo(Duration.ofHours(3)) > 0,
        expiry.toString());

    CliRun extended = ok("envs", "extend", "previews", "pr-42", "--by", "2h");
    // Tables and messages show local time to the second.
    assertTrue(
        extended
            .out()
            .startsWith(
                "previews/pr-42 now expires at "
                    + new Display(java.time.Clock.systemUTC(), java.time.ZoneId.systemDefault())
                        .time(expiry.plus(Duration.ofHours(2)).toString())),
        extended.printed());
    assertEquals(
        ExitCode.INVALID,
        cli("envs", "extend", "previews", "pr-42", "--by", "40d").code(),
        "30 days at most");
    assertEquals(
        ExitCode.INVALID,
        cli("envs", "extend", "previews", "pr-42").code(),
        "--by or --expires-at");
    assertEquals(
        ExitCode.INVALID,
        cli(
                "envs",
                "create",
                "previews",
                "--kind",
                "ephemeral",
                "--account",
                "111111111111",
                "--region",
                "eu-west-1",
                "--expires-in",
                "4h")
            .code(),
        "an ephemeral environment needs a name");
    assertEquals(
        ExitCode.INVALID,
        cli(
                "envs",
                "create",
                "previews",
                "--kind",
                "ephemeral",
                "--name",
                "pr-43",
                "--expires-in",
                "soon")
            .code());

    ok(
        "envs",
        "create",
        "previews",
        "--kind",
        "personal",
        "--name",
        "tess",
        "--account",
        "111111111111",
        "--region",
        "eu-west-1");
    assertEquals(
        ExitCode.REFUSED,
        cli("envs", "extend", "previews", "tess", "--by", "2h").code(),
        "personal environments do not expire");
  }

  @Test
  void apps_fromAFile_withGates_andUpdate_keepsTheTemplateAndGatesItDoesNotChange()
      throws Exception {
    // The local cloud reads s3://templates/shop.json from its own folder.
    Path bucket = Files.createDirectories(work.resolve(".stagecoach/s3/templates"));
    Files.writeString(bucket.resolve("shop.json"), Fixtures.ORDERS_TEMPLATE);
    Files.writeString(
        work.resolve("shop.json"),
        """
        {"description": "Shop", "pipeline": ["dev",
          {"environment": "staging", "soakSeconds": 60},
          {"environment": "prod", "window": {"days": ["mon", "tue"], "start": "09:00", "end": "17:00"}}],
         "template": {"url": "s3://templates/shop.json"}}
        """);
    CliRun created =
        ok("apps", "create", "shop", "--file", "shop.json", "--approval", "prod=staff:2,client");
    assertTrue(created.out().contains("dev -> staging -> prod"), created.printed());
    assertTrue(
        created.out().lines().anyMatch(l -> l.matches("gates:\\s+staging: soak 60s")),
        created.printed());
    assertTrue(
        created
            .out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s+prod: approval 2 of staff, 1 of client, window mon,tue 09:00-17:00 UTC")),
        created.printed());
    assertTrue(
        created
            .out()
            .lines()
            .anyMatch(l -> l.matches("template:\\s+s3://templates/shop.json \\(revision 1\\)")),
        created.printed());

    CliRun updated =
        ok(
            "apps",
            "update",
            "shop",
            "--description",
            "The shop",
            "--template",
            "orders-template.json");
    assertTrue(
        updated
            .out()
            .lines()
            .anyMatch(l -> l.matches("template:\\s+inline, 2 resources \\(revision 2\\)")),
        updated.printed());
    assertTrue(
        updated.out().contains("staging: soak 60s"),
        "gates it was not told to change stay: " + updated.printed());
    CliRun reordered = ok("apps", "update", "shop", "--pipeline", "dev,prod", "--json");
    JsonNode app = json(reordered);
    assertEquals("prod", app.path("pipeline").path(1).path("environment").asText());
    assertEquals(
        2,
        app.path("pipeline").path(1).path("approval").path("groups").path(0).path("min").asInt(),
        "a kept stage keeps its gates: " + app);
    assertTrue(app.path("template").path("body").isObject(), "the template stays: " + app);

    assertEquals(
        ExitCode.INVALID,
        cli("apps", "update", "shop", "--approval", "qa=staff").code(),
        "not a stage");
    assertEquals(
        ExitCode.INVALID, cli("apps", "update", "shop", "--approval", "prod=staff:0").code());
    assertEquals(
        ExitCode.INVALID, cli("apps", "create", "broken", "--file", "no-such.json").code());
    Files.writeString(
        work.resolve("template.yaml"), "Resources:\n  Orders: {Type: AWS::DynamoDB::Table}\n");
    CliRun yaml =
        cli("apps", "create", "broken", "--pipeline", "dev", "--template", "template.yaml");
    assertEquals(ExitCode.INVALID, yaml.code(), yaml.printed());
    assertTrue(yaml.err().contains("template.yaml is not well-formed JSON"), yaml.printed());
    assertEquals(
        ExitCode.INVALID,
        cli(
                "apps",
                "create",
                "broken",
                "--pipeline",
                "dev",
                "--template-url",
                "https://example.com/t.json")
            .code(),
        "the API checks where templates live");
  }

  @Test
  void tokens_issueWithGroups_showsThem() throws Exception {
    CliRun issued =
        ok("tokens", "issue", "sam", "--role", "viewer", "--group", "staff", "--group", "client");
    assertTrue(
        issued.out().lines().anyMatch(l -> l.matches("groups:\\s+client, staff")),
        issued.printed());
    String secret = lastLine(issued.out());
    assertEquals(
        ExitCode.INVALID,
        cli("tokens", "issue", "sam", "--role", "viewer", "--group", "Not A Group").code());
    assertEquals("sam", json(ok("whoami", "--json", "--token", secret)).path("principal").asText());
  }

  /**
   * What runs in an environment, from the CLI: the template revisions an app's changes made, a
   * release bound to an older one, the outputs alone for scripts, and envs get with the revision,
   * outputs, resources and DNS.
   */
  @Test
  void templatesOutputsAndEnvsGet_showTheRevisionsAndWhatRunsThere() throws Exception {
    registerApp("shelf");
    Files.writeString(
        work.resolve("shelf-v2.json"),
        Fixtures.ORDERS_TEMPLATE.replace("\"orders\"", "\"orders-v2\""));
    ok("apps", "update", "shelf", "--template", "shelf-v2.json");

    CliRun list = ok("templates", "list", "shelf");
    assertTrue(list.out().startsWith("REVISION  DIGEST"), list.printed());
    assertTrue(
        list.out()
            .lines()
            .anyMatch(l -> l.matches("2\\s+sha256:[0-9a-f]{12}\\s+inline\\s+\\d+\\s+.*")),
        list.printed());
    assertTrue(list.out().lines().anyMatch(l -> l.startsWith("1 ")), list.printed());
    CliRun second = ok("templates", "get", "shelf", "2");
    assertTrue(
        second.out().lines().anyMatch(l -> l.matches("digest:\\s+sha256:[0-9a-f]{64}")),
        second.printed());
    assertTrue(
        second.out().lines().anyMatch(l -> l.matches("resources:\\s+Orders, Version")),
        second.printed());
    JsonNode firstBody = JSON.readTree(ok("templates", "get", "shelf", "1", "--body").out());
    assertEquals(
        "orders",
        firstBody.at("/Resources/Orders/Properties/TableName").asText(),
        "revision 1 keeps the first template");
    assertEquals(ExitCode.NOT_FOUND, cli("templates", "get", "shelf", "9").code());
    assertEquals(ExitCode.INVALID, cli("templates", "get", "shelf", "two").code());

    // 1.0.0 and 1.1.0 were registered before the change: bound to revision 1.
    CliRun release = ok("releases", "get", "shelf", "1.0.0");
    assertTrue(
        release.out().lines().anyMatch(l -> l.matches("template:\\s+revision 1")),
        release.printed());
    ok(
        "releases",
        "create",
        "shelf",
        "2.0.0",
        "--artifact",
        "s3://artifacts/shelf/2.0.0.zip",
        "--digest",
        DIGEST);
    ok(
        "releases",
        "create",
        "shelf",
        "1.0.1",
        "--artifact",
        "s3://artifacts/shelf/1.0.1.zip",
        "--digest",
        DIGEST,
        "--template-revision",
        "1");
    assertEquals(
        2,
        json(ok("releases", "get", "shelf", "2.0.0", "--json")).path("templateRevision").asInt());
    assertEquals(
        1,
        json(ok("releases", "get", "shelf", "1.0.1", "--json")).path("templateRevision").asInt());
    CliRun missing =
        cli(
            "releases",
            "create",
            "shelf",
            "3.0.0",
            "--artifact",
            "s3://artifacts/shelf/3.0.0.zip",
            "--digest",
            DIGEST,
            "--template-revision",
            "7");
    assertEquals(ExitCode.INVALID, missing.code(), missing.printed());
    assertTrue(missing.err().contains("templateRevision"), missing.printed());
    assertEquals(
        ExitCode.NOT_FOUND, cli("releases", "get", "shelf", "3.0.0").code(), "nothing stored");

    assertEquals(
        ExitCode.NOT_FOUND, cli("outputs", "shelf", "dev").code(), "nothing runs there yet");
    ok("deploy", "shelf", "1.0.1", "--to", "dev", "--wait");
    assertEquals(
        "Greeting=shelf-dev runs 1.0.1 at debug\n"
            + "OrdersTable=shelf-dev-orders\n"
            + "OrdersTableArn=arn:aws:dynamodb:eu-west-1:111111111111:table/shelf-dev-orders\n",
        ok("outputs", "shelf", "dev").out(),
        "KEY=VALUE lines, sorted: the revision 1 table, though revision 2 is current");
    assertEquals("shelf-dev-orders\n", ok("outputs", "shelf", "dev", "OrdersTable").out());
    assertEquals(ExitCode.NOT_FOUND, cli("outputs", "shelf", "dev", "Nope").code());
    JsonNode outputs = json(ok("outputs", "shelf", "dev", "--json"));
    assertEquals("shelf-dev-orders", outputs.path("OrdersTable").asText());
    assertEquals(3, outputs.size(), "the outputs alone: " + outputs);

    CliRun got = ok("envs", "get", "shelf", "dev");
    assertTrue(
        got.out().lines().anyMatch(l -> l.matches("template:\\s+revision 1")), got.printed());
    assertTrue(
        got.out()
            .lines()
            .anyMatch(
                l -> l.matches("deployed:\\s+1\\.0\\.1 \\(deployment d-[0-9a-f]+, by .+\\).*")),
        got.printed());
    assertTrue(
        got.out()
            .lines()
            .anyMatch(
                l -> l.matches("resources:\\s+Orders\\s+AWS::DynamoDB::Table\\s+shelf-dev-orders")),
        got.printed());
    assertTrue(
        got.out()
            .lines()
            .anyMatch(l -> l.matches("\\s+Version\\s+AWS::SSM::Parameter\\s+/shelf/dev/Version")),
        got.printed());

    CliRun dns =
        ok(
            "envs",
            "put",
            "shelf",
            "qa",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "--dns-hostname",
            "QA.Shelf.example.com",
            "--dns-zone",
            "Z0123456789ABCDEFGHIJ");
    assertTrue(
        dns.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "dns:\\s+qa\\.shelf\\.example\\.com \\(zone Z0123456789ABCDEFGHIJ, regional\\)")),
        dns.printed());
    CliRun bad =
        cli(
            "envs",
            "put",
            "shelf",
            "qa",
            "--kind",
            "personal",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "--dns-hostname",
            "qa..example.com",
            "--dns-certificate",
            "not-an-arn");
    assertEquals(ExitCode.INVALID, bad.code(), bad.printed());
    assertTrue(bad.err().contains("dns.hostname"), bad.printed());
    assertTrue(bad.err().contains("dns.certificateArn"), bad.printed());
    assertEquals(
        "qa.shelf.example.com",
        json(ok("envs", "get", "shelf", "qa", "--json")).at("/dns/hostname").asText(),
        "the refused PUT changed nothing");
    assertEquals(ExitCode.INVALID, cli("envs", "put", "shelf", "qa", "--dns-zone", "Z1").code());
  }

  /**
   * envs get shows how each secret reference rotates, as the deploy read it from the local cloud's
   * Secrets Manager: a secret made and set to rotate every 30 days with the AWS SDK, one that does
   * not exist, and an SSM parameter.
   */
  @Test
  void envsGet_showsTheRotationOfEachSecretReference_readAtTheDeploy() throws Exception {
    LocalCredentials key = cloud.awsCredentials();
    String arn;
    try (SecretsManagerClient secrets =
        SecretsManagerClient.builder()
            .endpointOverride(cloud.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build()) {
      arn = secrets.createSecret(r -> r.name("till/db").secretString("hunter2")).arn();
      secrets.rotateSecret(
          r -> r.secretId(arn).rotationRules(rules -> rules.automaticallyAfterDays(30L)));
    }
    ok("apps", "create", "till", "--pipeline", "dev", "--template", "orders-template.json");
    ok(
        "envs",
        "put",
        "till",
        "dev",
        "--tier",
        "dev",
        "--account",
        "000000000000",
        "--region",
        "us-east-1",
        "--config",
        "LOG_LEVEL=debug",
        "--secret",
        "DB_PASSWORD=" + arn,
        "--secret",
        "GONE=" + arn.replace("till/db", "till/gone"),
        "--secret",
        "API_KEY=ssm:/till/api-key");
    ok(
        "releases",
        "create",
        "till",
        "1.0.0",
        "--artifact",
        "s3://artifacts/till/1.0.0.zip",
        "--digest",
        DIGEST);
    ok("deploy", "till", "1.0.0", "--to", "dev", "--wait");

    CliRun got = ok("envs", "get", "till", "dev");
    String[] lines = got.out().lines().toArray(String[]::new);
    int first = 0;
    while (first < lines.length && !lines[first].startsWith("secret rotation:")) {
      first++;
    }
    assertTrue(first + 2 < lines.length, got.printed());
    assertTrue(
        lines[first].matches(
            "secret rotation:\\s+API_KEY=not applicable \\(SSM parameters do not rotate\\)"),
        got.printed());
    assertTrue(
        lines[first + 1].matches(
            "\\s+DB_PASSWORD=enabled, every 30 days, last rotated .+, next .+ \\(checked .+\\)"),
        got.printed());
    assertTrue(
        lines[first + 2].matches(
            "\\s+GONE=unknown: Secrets Manager has no such secret \\(checked .+\\)"),
        got.printed());
    assertFalse(got.out().contains("hunter2"), "never the value");
    JsonNode json = json(ok("envs", "get", "till", "dev", "--json"));
    assertEquals(30, json.at("/secretRotation/DB_PASSWORD/days").asInt(), json.toString());
  }

  @Test
  void drift_checksNow_waitsForTheFinding_andExitsOneWhenDrifted() throws Exception {
    registerApp("tally");
    ok("deploy", "tally", "1.0.0", "--to", "dev", "--wait");

    CliRun inSync = ok("drift", "tally", "dev", "--wait");
    assertTrue(inSync.err().startsWith("waiting for drift check k-"), inSync.printed());
    assertTrue(inSync.out().startsWith("in sync (checked "), inSync.printed());

    // The table deleted by hand (here on the engine itself): the next check finds it gone.
    cloud.dynamo().client().deleteTable(d -> d.tableName("tally-dev-orders"));
    CliRun drifted = cli("drift", "tally", "dev", "--wait");
    assertEquals(ExitCode.FAILED, drifted.code(), drifted.printed());
    assertTrue(
        drifted.out().startsWith("drifted: 1 resource differs from the last deployment"),
        drifted.printed());
    assertTrue(
        drifted.out().lines().anyMatch(l -> l.equals("  Orders (AWS::DynamoDB::Table) deleted")),
        drifted.printed());
    assertEquals(
        "drifted",
        json(ok("envs", "get", "tally", "dev", "--json")).path("drift").path("status").asText());

    // Without --wait: the check's id, at once; never deployed: unknown, nothing to check.
    CliRun started = ok("drift", "tally", "dev");
    assertTrue(
        started.out().startsWith("checking tally/dev for drift: check k-"), started.printed());
    CliRun never = ok("drift", "tally", "staging");
    assertEquals("tally/staging has never been deployed: drift unknown", never.out().strip());
  }

  @Test
  void drift_ofAnUnknownOrMalformedEnvironment_isOneLine_withItsExitCode() {
    CliRun unknown = cli("drift", "nosuchapp", "dev");
    assertEquals(ExitCode.NOT_FOUND, unknown.code(), unknown.printed());
    assertTrue(unknown.err().startsWith("stagecoach: "), unknown.printed());
    assertEquals(1, unknown.err().strip().lines().count(), unknown.printed());
    CliRun malformed = cli("drift", "tally", "Dev_1");
    assertEquals(ExitCode.INVALID, malformed.code(), malformed.printed());
    assertTrue(malformed.err().startsWith("stagecoach: "), malformed.printed());
  }
}
