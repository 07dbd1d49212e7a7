package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.local.LocalCloud;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real local cloud, run in process. The cloud keeps its data in {@code
 * <work>/.stagecoach}, so the CLI, working in {@code <work>}, finds the admin token where {@code
 * stagecoach serve} leaves it.
 */
class CliCommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "9f".repeat(32);
  static final String OTHER_DIGEST = "sha256:" + "a0".repeat(32);

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
  }

  @AfterAll
  static void stopTheLocalCloud() throws Exception {
    cloud.close();
  }

  static CliRun cli(String... args) {
    return CliRun.run(env, args);
  }

  static CliRun ok(String... args) {
    CliRun run = cli(args);
    assertEquals(0, run.code(), run.printed());
    return run;
  }

  static JsonNode json(CliRun run) throws Exception {
    return JSON.readTree(run.out());
  }

  @Test
  void apps_createListGetUpdateDelete_printReadableText() {
    CliRun created =
        ok(
            "apps",
            "create",
            "payments",
            "--pipeline",
            "dev,staging,prod",
            "--description",
            "Card payments");
    assertTrue(created.out().startsWith("created app payments"), created.printed());
    assertTrue(created.out().contains("dev -> staging -> prod"), created.printed());

    CliRun listed = ok("apps", "list");
    assertTrue(
        listed.out().lines().findFirst().orElseThrow().matches("NAME\\s+PIPELINE\\s+DESCRIPTION"),
        listed.printed());
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(l -> l.matches("payments\\s+dev -> staging -> prod\\s+Card payments")),
        listed.printed());

    CliRun got = ok("apps", "get", "payments");
    assertTrue(
        got.out().lines().anyMatch(l -> l.matches("description:\\s+Card payments")), got.printed());
    assertTrue(got.out().lines().anyMatch(l -> l.matches("revision:\\s+1")), got.printed());

    CliRun updated = ok("apps", "update", "payments", "--description", "Cards and wallets");
    assertTrue(updated.out().contains("Cards and wallets"), updated.printed());
    assertTrue(
        updated.out().contains("dev -> staging -> prod"),
        "an update keeps what it does not change");
    assertTrue(updated.out().lines().anyMatch(l -> l.matches("revision:\\s+2")), updated.printed());

    assertEquals("deleted app payments\n", ok("apps", "delete", "payments").out());
    assertEquals(ExitCode.NOT_FOUND, cli("apps", "get", "payments").code());
  }

  @Test
  void appsUpdate_keepsTheAppsEphemeralPolicy() throws Exception {
    Path file =
        java.nio.file.Files.writeString(
            work.resolve("previews.json"),
            "{\"pipeline\": [\"dev\"], \"ephemeral\": {\"maxLifetimeDays\": 7,"
                + " \"defaultTtlHours\": 12, \"renewOnDeploy\": true}}");
    ok("apps", "create", "previews", "--file", file.toString());

    ok("apps", "update", "previews", "--description", "PR previews");

    JsonNode policy = json(ok("apps", "get", "previews", "--json")).get("ephemeral");
    assertEquals(7, policy.get("maxLifetimeDays").asInt(), policy.toString());
    assertEquals(12, policy.get("defaultTtlHours").asInt(), policy.toString());
    assertTrue(policy.get("renewOnDeploy").asBoolean(), policy.toString());
  }

  @Test
  void appsCreateAndUpdate_setTheEphemeralPolicy_fieldByField_keepingTheOthers() throws Exception {
    ok(
        "apps",
        "create",
        "shortlived",
        "--pipeline",
        "dev",
        "--max-lifetime",
        "14d",
        "--default-ttl",
        "2h",
        "--renew-on-deploy",
        "--default-owner",
        "platform-team");
    assertEquals(
        JSON.readTree(
            "{\"maxLifetimeDays\":14,\"defaultTtlHours\":2,\"renewOnDeploy\":true,"
                + "\"defaultOwner\":\"platform-team\"}"),
        json(ok("apps", "get", "shortlived", "--json")).get("ephemeral"));

    ok("apps", "update", "shortlived", "--no-renew-on-deploy");
    assertEquals(
        JSON.readTree(
            "{\"maxLifetimeDays\":14,\"defaultTtlHours\":2,\"renewOnDeploy\":false,"
                + "\"defaultOwner\":\"platform-team\"}"),
        json(ok("apps", "get", "shortlived", "--json")).get("ephemeral"));

    CliRun updated =
        ok("apps", "update", "shortlived", "--default-ttl", "3d", "--default-owner", "");
    assertTrue(
        updated
            .out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "ephemeral:\\s+live 14d at most, 72h unless told, not renewed on deploy")),
        updated.printed());
    JsonNode app = json(ok("apps", "get", "shortlived", "--json"));
    assertEquals(
        JSON.readTree("{\"maxLifetimeDays\":14,\"defaultTtlHours\":72,\"renewOnDeploy\":false}"),
        app.get("ephemeral"));
    assertEquals(
        "dev",
        app.get("pipeline").get(0).path("environment").asText(),
        "the rest of the app is kept: " + app);

    for (String[] refused :
        List.of(
            new String[] {"--max-lifetime", "36h"},
            new String[] {"--max-lifetime", "31d"},
            new String[] {"--default-ttl", "90m"},
            new String[] {"--default-ttl", "15d"},
            new String[] {"--default-owner", "the team!"})) {
      CliRun run = cli("apps", "update", "shortlived", refused[0], refused[1]);
      assertEquals(ExitCode.INVALID, run.code(), run.printed());
      assertTrue(run.err().startsWith("stagecoach: "), run.printed());
    }
    CliRun owner = cli("apps", "update", "shortlived", "--default-owner", "the team!");
    assertTrue(owner.err().contains("ephemeral.defaultOwner"), owner.printed());
    assertEquals(
        app.get("revision"),
        json(ok("apps", "get", "shortlived", "--json")).get("revision"),
        "nothing refused was written");
  }

  @Test
  void appsUpdate_keepsTheRepositoryMapping_andEveryFieldItIsNotAskedToChange() throws Exception {
    Path file =
        java.nio.file.Files.writeString(
            work.resolve("shop.json"),
            "{\"pipeline\": [\"dev\", \"prod\"], \"concurrency\": \"queue\","
                + " \"allowedEnvironments\": [\"perf\"],"
                + " \"repository\": {\"name\": \"shop-service\","
                + " \"artifactUri\": \"s3://artifacts/{repository}/{commit}.zip\","
                + " \"branches\": [{\"pattern\": \"main\", \"action\": \"pipeline\","
                + " \"versionFrom\": \"shortCommit\"}]}}");
    ok("apps", "create", "shop", "--file", file.toString());
    JsonNode before = json(ok("apps", "get", "shop", "--json"));

    ok("apps", "update", "shop", "--description", "The shop");

    JsonNode after = json(ok("apps", "get", "shop", "--json"));
    assertEquals("The shop", after.get("description").asText());
    for (String field :
        java.util.List.of(
            "pipeline", "concurrency", "allowedEnvironments", "repository", "ephemeral")) {
      assertEquals(before.get(field), after.get(field), field);
    }
  }

  @Test
  void appsUpdate_setsTheRepositoryMapping_fromBranchOptions() throws Exception {
    ok("apps", "create", "cart", "--pipeline", "dev,prod");
    assertEquals(
        ExitCode.INVALID,
        cli("apps", "update", "cart", "--branch", "main=pipeline").code(),
        "no mapping yet and no --repository");

    CliRun set =
        ok(
            "apps",
            "update",
            "cart",
            "--repository",
            "cart-service",
            "--branch",
            "main=pipeline",
            "--branch",
            "feature/*=ephemeral:72");
    assertTrue(
        set.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "repository:\\s+cart-service: main pipeline, feature/\\* ephemeral 72h")),
        set.printed());
    JsonNode repository = json(ok("apps", "get", "cart", "--json")).get("repository");
    assertEquals(
        JSON.readTree(
            "{\"name\":\"cart-service\",\"branches\":["
                + "{\"pattern\":\"main\",\"action\":\"pipeline\",\"versionFrom\":\"commit\"},"
                + "{\"pattern\":\"feature/*\",\"action\":\"ephemeral\",\"ttlHours\":72,"
                + "\"versionFrom\":\"commit\"}]}"),
        repository);

    // --repository alone renames, keeping the rules.
    ok("apps", "update", "cart", "--repository", "cart-svc");
    JsonNode renamed = json(ok("apps", "get", "cart", "--json")).get("repository");
    assertEquals("cart-svc", renamed.get("name").asText());
    assertEquals(repository.get("branches"), renamed.get("branches"));

    for (String bad :
        java.util.List.of(
            "main", "main=deploy", "main=ephemeral", "main=ephemeral:0", "main=pipeline:3")) {
      CliRun refused = cli("apps", "update", "cart", "--branch", bad);
      assertEquals(ExitCode.INVALID, refused.code(), bad + ": " + refused.printed());
      assertTrue(refused.err().startsWith("stagecoach: --branch '" + bad + "'"), refused.printed());
    }
    CliRun domain = cli("apps", "update", "cart", "--branch", "main=ephemeral:100000");
    assertEquals(ExitCode.INVALID, domain.code(), domain.printed());
    assertTrue(domain.err().startsWith("stagecoach: "), domain.printed());
    assertTrue(domain.err().contains("ttl"), domain.printed());
    assertEquals(3, json(ok("apps", "get", "cart", "--json")).get("revision").asInt());

    ok("apps", "update", "cart", "--no-repository");
    assertFalse(json(ok("apps", "get", "cart", "--json")).has("repository"));
  }

  @Test
  void json_printsTheApisAnswer_asJson() throws Exception {
    ok("apps", "create", "ledger", "--pipeline", "dev,prod");
    JsonNode app = json(ok("apps", "get", "ledger", "--json"));
    assertEquals("ledger", app.get("name").asText());
    assertEquals("prod", app.get("pipeline").get(1).get("environment").asText());
    assertEquals(1, app.get("revision").asInt());

    JsonNode list = json(ok("apps", "list", "--json"));
    assertTrue(list.get("items").isArray());
    JsonNode me = json(ok("whoami", "--json"));
    assertEquals("admin", me.get("roles").get(0).asText());
  }

  @Test
  void envs_putListGetDelete_withConfigAndSecrets_andDeleteNeedsConfirm() throws Exception {
    ok("apps", "create", "orders", "--pipeline", "dev,staging,prod");
    CliRun put =
        ok(
            "envs",
            "put",
            "orders",
            "dev",
            "--tier",
            "dev",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1",
            "--config",
            "LOG_LEVEL=debug",
            "--config",
            "FEATURE_X=on",
            "--secret",
            "DB_PASSWORD=ssm:/orders/db-password");
    assertTrue(put.out().startsWith("created environment orders/dev"), put.printed());
    assertTrue(put.out().contains("LOG_LEVEL=debug"), put.printed());
    ok(
        "envs",
        "put",
        "orders",
        "prod",
        "--tier",
        "prod",
        "--account",
        "333333333333",
        "--region",
        "eu-west-1");

    // A replace that leaves out the config and secrets dev has would drop them: refused, naming
    // them, and nothing changes; 'envs update' changes only what it names.
    CliRun again =
        cli(
            "envs",
            "put",
            "orders",
            "dev",
            "--tier",
            "dev",
            "--account",
            "111111111111",
            "--region",
            "eu-west-2");
    assertEquals(ExitCode.REFUSED, again.code(), again.printed());
    assertTrue(again.err().startsWith("stagecoach: this replace of environment"), again.printed());
    assertTrue(again.err().contains("DB_PASSWORD"), again.printed());
    assertTrue(again.err().contains("FEATURE_X, LOG_LEVEL"), again.printed());
    CliRun updated =
        ok(
            "envs",
            "update",
            "orders",
            "dev",
            "--region",
            "eu-west-2",
            "--config",
            "LOG_LEVEL=info",
            "--unset-config",
            "FEATURE_X");
    assertTrue(updated.out().startsWith("updated environment orders/dev"), updated.printed());
    JsonNode dev = json(ok("envs", "get", "orders", "dev", "--json"));
    assertEquals("eu-west-2", dev.path("region").asText());
    assertEquals(Map.of("LOG_LEVEL", "info"), JSON.convertValue(dev.path("config"), Map.class));
    assertEquals(
        "ssm:/orders/db-password",
        dev.path("secrets").path("DB_PASSWORD").asText(),
        "the secrets it did not name are kept");
    CliRun shown = ok("envs", "get", "orders", "dev");
    assertTrue(
        shown
            .out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "secret rotation:\\s+DB_PASSWORD=not applicable \\(SSM parameters do not"
                            + " rotate\\)")),
        shown.printed());

    // A secret of another account than the environment's is refused, naming the reference's key.
    CliRun elsewhere =
        cli(
            "envs",
            "update",
            "orders",
            "dev",
            "--secret",
            "OTHER=arn:aws:secretsmanager:eu-west-2:999999999999:secret:orders-db-AbCdEf");
    assertEquals(ExitCode.INVALID, elsewhere.code(), elsewhere.printed());
    assertEquals(1, elsewhere.err().lines().count(), elsewhere.printed());
    assertTrue(elsewhere.err().startsWith("stagecoach: "), elsewhere.printed());
    assertTrue(
        elsewhere.err().contains("secrets.OTHER") && elsewhere.err().contains("999999999999"),
        elsewhere.printed());
    assertEquals(ExitCode.INVALID, cli("envs", "update", "orders", "dev").code(), "nothing to do");

    CliRun listed = ok("envs", "list", "orders");
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(l -> l.matches("dev\\s+pipeline\\s+dev\\s+111111111111\\s+eu-west-2\\s+no")),
        listed.printed());
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(
                l -> l.matches("prod\\s+pipeline\\s+prod\\s+333333333333\\s+eu-west-1\\s+yes")),
        listed.printed());

    JsonNode prod = json(ok("envs", "get", "orders", "prod", "--json"));
    assertTrue(prod.get("protected").asBoolean());
    assertFalse(
        json(ok("envs", "unprotect", "orders", "prod", "--json")).get("protected").asBoolean());
    assertTrue(
        json(ok("envs", "protect", "orders", "prod", "--json")).get("protected").asBoolean());

    CliRun unconfirmed = cli("envs", "delete", "orders", "dev");
    assertEquals(ExitCode.INVALID, unconfirmed.code(), unconfirmed.printed());
    assertEquals(
        "stagecoach: orders/dev is a shared environment: add --confirm to destroy it\n",
        unconfirmed.err());
    assertEquals(
        "deleted environment orders/dev\n",
        ok("envs", "delete", "orders", "dev", "--confirm").out());

    CliRun protectedOne = cli("envs", "delete", "orders", "prod", "--confirm");
    assertEquals(ExitCode.REFUSED, protectedOne.code(), protectedOne.printed());
    assertTrue(protectedOne.err().startsWith("stagecoach: "), protectedOne.printed());
  }

  @Test
  void audit_listsTheChangesAndRefusalsOfTheCli_newestFirst() throws Exception {
    ok("apps", "create", "journal", "--pipeline", "dev");
    String[] where = {"--tier", "dev", "--account", "111111111111", "--region", "eu-west-1"};
    ok(concat(new String[] {"envs", "put", "journal", "dev"}, where));
    assertEquals(
        ExitCode.INVALID,
        cli(concat(new String[] {"envs", "put", "journal", "nope"}, where)).code());
    CliRun audit = ok("audit", "--app", "journal");
    List<String> rows = audit.out().lines().toList();
    assertEquals(3, rows.size(), audit.printed());
    assertTrue(
        rows.get(0).matches("WHEN\\s+WHO\\s+FROM\\s+ACTION\\s+TARGET\\s+OUTCOME\\s+CHANGE"),
        audit.printed());
    assertTrue(
        rows.get(1)
            .matches(
                ".*local-admin\\s+cli\\s+PUT /v1/apps/\\{app}/environments/\\{env}\\s+"
                    + "/v1/apps/journal/environments/nope\\s+validation_failed"),
        audit.printed());
    assertTrue(
        rows.get(2)
            .matches(
                ".*local-admin\\s+cli\\s+PUT .*/v1/apps/journal/environments/dev\\s+accepted"
                    + "\\s+-> revision 1"),
        audit.printed());
    assertEquals(
        ExitCode.INVALID,
        cli("audit", "--since", "2026-02-02T00:00:00Z", "--until", "2026-01-01T00:00:00Z").code());
  }

  @Test
  void audit_showsAPushThatWasLeftAlone_asIgnored_withItsReason() throws Exception {
    // A branch of a repository no app names: the push function takes it up and leaves it alone.
    String push =
        JSON.createObjectNode()
            .put("event", "referenceCreated")
            .put("repositoryName", "nobodys-repo")
            .put("repositoryId", "12345678-1234-5678-abcd-12345678abcd")
            .put("referenceType", "branch")
            .put("referenceName", "docs/readme")
            .put("referenceFullName", "refs/heads/docs/readme")
            .put("commitId", "d4".repeat(20))
            .toString();
    assertEquals(
        0,
        cloud
            .eventBridge()
            .putEvents(
                List.of(
                    io.stagecoach.local.eventbridge.PutEventsEntry.of(
                        "aws.codecommit", "CodeCommit Repository State Change", push)))
            .failedEntryCount());
    assertTrue(cloud.eventBridge().awaitDeliveries(java.time.Duration.ofSeconds(30)));

    CliRun audit = ok("audit", "--action", "codecommit push");
    List<String> rows = audit.out().lines().toList();
    assertEquals(2, rows.size(), audit.printed());
    assertTrue(
        rows.get(1)
            .matches(
                ".*codecommit\\s+codecommit\\s+codecommit push\\s+"
                    + "nobodys-repo refs/heads/docs/readme\\s+ignored\\s*"),
        audit.printed());
    JsonNode entry =
        json(ok("audit", "--action", "codecommit push", "--json")).path("items").path(0);
    assertEquals("ignored", entry.path("outcome").asText(), entry.toString());
    assertEquals(200, entry.path("status").asInt());
    assertFalse(entry.path("detail").asText().isBlank(), "the reason: " + entry);
    assertFalse(entry.has("before") || entry.has("after"), entry.toString());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void releases_createListGet_andTheSameVersionWithAnotherDigestIsAConflict() {
    ok("apps", "create", "catalog", "--pipeline", "dev");
    CliRun created =
        ok(
            "releases",
            "create",
            "catalog",
            "1.4.2",
            "--artifact",
            "s3://artifacts/catalog/1.4.2.zip",
            "--digest",
            DIGEST,
            "--commit",
            "4e1f2a9");
    assertTrue(created.out().startsWith("registered release catalog 1.4.2"), created.printed());
    CliRun repeated =
        ok(
            "releases",
            "create",
            "catalog",
            "1.4.2",
            "--artifact",
            "s3://artifacts/catalog/1.4.2.zip",
            "--digest",
            DIGEST,
            "--commit",
            "4e1f2a9");
    assertTrue(repeated.out().contains("already registered"), repeated.printed());

    CliRun listed = ok("releases", "list", "catalog");
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(l -> l.matches("1\\.4\\.2\\s+sha256:9f9f9f9f9f9f\\s+4e1f2a9.*")),
        listed.printed());
    assertTrue(ok("releases", "get", "catalog", "1.4.2").out().contains(DIGEST));

    CliRun conflict =
        cli(
            "releases",
            "create",
            "catalog",
            "1.4.2",
            "--artifact",
            "s3://artifacts/catalog/1.4.2.zip",
            "--digest",
            OTHER_DIGEST);
    assertEquals(ExitCode.REFUSED, conflict.code(), conflict.printed());
    assertTrue(conflict.err().startsWith("stagecoach: release 1.4.2"), conflict.printed());
    assertEquals(1, conflict.err().lines().count(), "one line, no stack trace");
  }

  @Test
  void tokens_issueListRevoke_andWhoamiShowsThePrincipal() throws Exception {
    CliRun issued =
        ok(
            "tokens",
            "issue",
            "ci-bot",
            "--role",
            "deployer",
            "--description",
            "CI",
            "--expires-in-days",
            "90");
    assertTrue(
        issued.out().lines().anyMatch(l -> l.matches("principal:\\s+ci-bot")), issued.printed());
    assertTrue(issued.err().contains("shown once"), issued.printed());
    String secret = issued.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    String id =
        issued
            .out()
            .lines()
            .filter(l -> l.startsWith("id:"))
            .findFirst()
            .orElseThrow()
            .substring(3)
            .strip();

    CliRun me = ok("whoami", "--token", secret);
    assertTrue(me.out().lines().anyMatch(l -> l.matches("principal:\\s+ci-bot")), me.printed());
    assertTrue(me.out().lines().anyMatch(l -> l.matches("roles:\\s+deployer")), me.printed());
    assertTrue(me.out().lines().anyMatch(l -> l.matches("token:\\s+from --token")), me.printed());

    CliRun listed = ok("tokens", "list");
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(l -> l.startsWith(id) && l.contains("ci-bot") && l.contains("deployer")),
        listed.printed());
    assertFalse(listed.out().contains(secret), "secrets are never listed");

    assertTrue(ok("tokens", "revoke", id).out().startsWith("revoked token " + id));
    assertFalse(ok("tokens", "list").out().contains(id), "revoked tokens are not listed");
    assertEquals(ExitCode.NOT_FOUND, cli("tokens", "revoke", id).code());
  }

  @Test
  void whoami_withNoFlags_usesTheEndpointFromTheEnvironment_andTheAdminTokenServeKept() {
    CliRun me = ok("whoami");
    assertTrue(
        me.out().lines().anyMatch(l -> l.matches("principal:\\s+local-admin")), me.printed());
    assertTrue(me.out().contains(cloud.endpoint() + " (STAGECOACH_ENDPOINT)"), me.printed());
    assertTrue(me.out().contains("from " + work.resolve(".stagecoach/admin-token")), me.printed());
  }

  @Test
  void listing_pageByPage_printsTheNextCursorOnStderr_andAllFetchesEveryPage() throws Exception {
    ok("apps", "create", "paged", "--pipeline", "dev");
    for (String name : new String[] {"a", "b", "c"}) {
      ok(
          "envs",
          "put",
          "paged",
          name,
          "--kind",
          "personal",
          "--account",
          "111111111111",
          "--region",
          "eu-west-1");
    }
    CliRun first = ok("envs", "list", "paged", "--limit", "2");
    assertEquals(3, first.out().lines().count(), "a header and two rows: " + first.printed());
    assertTrue(first.err().startsWith("more: --cursor "), first.printed());
    JsonNode all = json(ok("envs", "list", "paged", "--limit", "1", "--all", "--json"));
    assertEquals(3, all.get("items").size());
  }

  // ------------------------------------------------------------ exit codes

  @Test
  void missingArgument_isAUsageError_exit2() {
    CliRun run = cli("apps", "get");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertEquals(
        "stagecoach: missing required parameter: 'APP' (see 'stagecoach apps get --help')\n",
        run.err(),
        "one line in the CLI's form, no usage");
    assertEquals(ExitCode.INVALID, cli("apps", "create", "x").code(), "--pipeline is required");
    assertEquals(ExitCode.INVALID, cli("apps").code(), "a group needs a subcommand");
    assertEquals(
        ExitCode.INVALID, cli("apps", "update", "x").code(), "an update with nothing to change");
    assertEquals(ExitCode.INVALID, cli("envs", "put", "x", "dev", "--config", "novalue").code());
  }

  @Test
  void validationFailed_exit2_withTheDetailAndEachFieldAtFault() {
    ok("apps", "create", "billing", "--pipeline", "dev");
    CliRun one =
        cli(
            "envs",
            "put",
            "billing",
            "dev",
            "--tier",
            "gold",
            "--account",
            "111111111111",
            "--region",
            "eu-west-1");
    assertEquals(ExitCode.INVALID, one.code(), one.printed());
    assertTrue(one.err().startsWith("stagecoach: tier: "), one.printed());
    assertEquals(
        1, one.err().lines().count(), "the detail already names the only field: " + one.printed());

    CliRun two =
        cli(
            "envs",
            "put",
            "billing",
            "dev",
            "--tier",
            "gold",
            "--account",
            "12",
            "--region",
            "eu-west-1");
    assertEquals(ExitCode.INVALID, two.code(), two.printed());
    assertEquals(
        "stagecoach: 2 fields are invalid",
        two.err().lines().findFirst().orElseThrow(),
        two.printed());
    assertTrue(two.err().lines().anyMatch(l -> l.startsWith("  tier: ")), two.printed());
    assertTrue(two.err().lines().anyMatch(l -> l.startsWith("  account: ")), two.printed());
  }

  @Test
  void conflict_exit3() {
    ok("apps", "create", "inventory", "--pipeline", "dev");
    CliRun again = cli("apps", "create", "inventory", "--pipeline", "dev");
    assertEquals(ExitCode.REFUSED, again.code(), again.printed());
    assertEquals(
        "stagecoach: app 'inventory' already exists; change it with 'stagecoach apps update"
            + " inventory'\n",
        again.err());

    CliRun stale = cli("apps", "delete", "inventory", "--if-match", "7");
    assertEquals(ExitCode.REFUSED, stale.code(), stale.printed());
  }

  @Test
  void forbidden_forAViewerToken_exit3() {
    String viewer =
        ok("tokens", "issue", "reader", "--role", "viewer")
            .out()
            .strip()
            .lines()
            .reduce((a, b) -> b)
            .orElseThrow();
    assertEquals(0, cli("apps", "list", "--token", viewer).code());
    CliRun refused = cli("apps", "create", "nope", "--pipeline", "dev", "--token", viewer);
    assertEquals(ExitCode.REFUSED, refused.code(), refused.printed());
    assertTrue(refused.err().startsWith("stagecoach: "), refused.printed());
    assertFalse(refused.err().contains("Exception"), refused.printed());
  }

  @Test
  void tokensIssueQuiet_printsOnlyTheToken_whichThenWorks() {
    CliRun issued = ok("tokens", "issue", "quiet-bot", "--role", "viewer", "--quiet");
    assertEquals(1, issued.out().lines().count(), issued.printed());
    assertEquals("", issued.err(), issued.printed());
    String token = issued.out().strip();
    CliRun whoami = ok("whoami", "--token", token);
    assertTrue(whoami.out().contains("quiet-bot"), whoami.printed());

    CliRun both = cli("tokens", "issue", "quiet-bot", "--role", "viewer", "-q", "--json");
    assertEquals(ExitCode.INVALID, both.code(), both.printed());
    assertTrue(both.err().startsWith("stagecoach: --quiet and --json"), both.printed());
  }

  @Test
  void tables_showTimesToTheSecondOrAsAgo_andShortenCommitVersions() throws Exception {
    String commit = "4e1f2a9c0b1d2e3f405162738495a6b7c8d9e0f1";
    ok("apps", "create", "clock", "--pipeline", "dev");
    ok(
        "releases",
        "create",
        "clock",
        commit,
        "--artifact",
        "s3://artifacts/clock.zip",
        "--digest",
        DIGEST);
    CliRun listed = ok("releases", "list", "clock");
    String row = listed.out().lines().skip(1).findFirst().orElseThrow();
    assertTrue(row.startsWith("4e1f2a9 "), "the commit as git shortens it: " + listed.printed());
    assertFalse(row.contains(commit), listed.printed());
    assertTrue(row.matches(".*\\b\\d+ (s|min) ago by \\S+.*"), listed.printed());
    assertFalse(
        row.matches(".*\\d{2}:\\d{2}:\\d{2}\\.\\d+.*"), "no fractions: " + listed.printed());
    // --json keeps the API's values.
    assertEquals(
        commit, json(ok("releases", "list", "clock", "--json")).at("/items/0/version").asText());
  }

  @Test
  void notFound_exit4() {
    CliRun run = cli("envs", "get", "no-such-app", "dev");
    assertEquals(ExitCode.NOT_FOUND, run.code(), run.printed());
    assertTrue(run.err().startsWith("stagecoach: "), run.printed());
    assertEquals(ExitCode.NOT_FOUND, cli("releases", "get", "no-such-app", "1.0.0").code());
  }

  @Test
  void unreachableEndpoint_exit1_withOneLine() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    CliRun run = cli("apps", "list", "--endpoint", "http://127.0.0.1:" + closedPort);
    assertEquals(ExitCode.FAILED, run.code(), run.printed());
    assertTrue(
        run.err().startsWith("stagecoach: cannot reach http://127.0.0.1:" + closedPort),
        run.printed());
    assertEquals(1, run.err().lines().count(), run.printed());
  }

  @Test
  void noToken_exit3_withAHintWhereTokensComeFrom() {
    CliEnvironment elsewhere =
        new CliEnvironment(
            env.variables(), work.resolve("elsewhere"), work.resolve("home"), "tester");
    CliRun run = CliRun.run(elsewhere, "apps", "list");
    assertEquals(ExitCode.REFUSED, run.code(), run.printed());
    assertTrue(run.err().contains("no token: pass --token"), run.printed());
  }

  @Test
  void invalidEndpointSetting_exit2() {
    CliRun run = cli("apps", "list", "--endpoint", "ftp://example.com");
    assertEquals(ExitCode.INVALID, run.code(), run.printed());
    assertTrue(run.err().startsWith("stagecoach: --endpoint: "), run.printed());
  }

  @Test
  void help_listsTheCommands_andTheExitCodes() {
    CliRun help = ok("--help");
    for (String command :
        new String[] {
          "serve",
          "apps",
          "envs",
          "releases",
          "templates",
          "outputs",
          "deploy",
          "deployments",
          "history",
          "diff",
          "promote",
          "promotions",
          "approvals",
          "approve",
          "reject",
          "rollback",
          "freeze",
          "unfreeze",
          "tokens",
          "whoami",
          "prices"
        }) {
      assertTrue(help.out().contains("  " + command), command + " in " + help.printed());
    }
    assertTrue(help.out().contains("Exit codes:"), help.printed());
    assertTrue(help.out().contains("4   not found"), help.printed());
  }
}
