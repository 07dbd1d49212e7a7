package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.local.LocalCloud;
import io.stagecoach.testing.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promote, promotions, approvals, approve, reject, freeze and unfreeze against a real local cloud,
 * through a pipeline where dev takes releases at once and staging needs one approval from the group
 * staff.
 */
class CliPromoteCommandsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String DIGEST = "sha256:" + "9f".repeat(32);
  static final Follow.Pacing FAST =
      Follow.Pacing.standard()
          .withInterval(Duration.ofMillis(100))
          .withTimeout(Duration.ofMinutes(2));

  @TempDir static Path work;
  static LocalCloud cloud;
  static CliEnvironment env;

  /**
   * A token of the group staff: it counts for staging's approvals (the admin started the
   * promotions).
   */
  static String staff;

  static String outsider;

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
    staff = lastLine(ok("tokens", "issue", "sam", "--role", "viewer", "--group", "staff").out());
    outsider =
        lastLine(ok("tokens", "issue", "olga", "--role", "deployer", "--group", "ops").out());
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

  static String lastLine(String text) {
    return text.strip().lines().reduce((a, b) -> b).orElseThrow();
  }

  /**
   * dev (no gates) -> staging (1 of staff), from the orders template, with releases 1.0.0 and
   * 1.1.0.
   */
  static void registerApp(String app) {
    ok(
        "apps",
        "create",
        app,
        "--pipeline",
        "dev,staging",
        "--approval",
        "staging=staff:1",
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
        "eu-west-1");
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

  /** {@code promote --wait} on its own thread, as a person at another terminal would run it. */
  static CliRun.Started promoteWaiting(String app, String version) {
    return CliRun.start(env, FAST, "promote", app, version, "--wait");
  }

  /** The approval promote --wait says it waits for, once it says so. */
  static String awaitingApproval(CliRun.Started promotion) throws Exception {
    String line =
        promotion.awaitLine(
            "\\[ +\\d+s\\] staging: awaiting_approval \\(approval \\S+\\)", Duration.ofSeconds(60));
    return line.substring(line.indexOf("(approval ") + "(approval ".length(), line.length() - 1);
  }

  /**
   * The approval the app's promotion waits for, as {@code approvals list} shows it, once it does.
   */
  static String awaitApproval(String app) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      for (JsonNode a :
          JSON.readTree(ok("approvals", "list", "--all", "--json").out()).path("items")) {
        if (a.path("app").asText().equals(app)) {
          return a.path("approvalId").asText();
        }
      }
      Thread.sleep(100);
    }
    fail(
        "no approval for "
            + app
            + " within 60 s; dead letters "
            + cloud.eventBridge().deadLetters());
    return null;
  }

  static CliRun finished(CliRun.Started promotion) throws Exception {
    return promotion.done().get(90, TimeUnit.SECONDS);
  }

  @Test
  void promoteWait_followsEachStage_andEndsWhenStaffApproves_exit0() throws Exception {
    registerApp("shop");
    CliRun.Started promotion = promoteWaiting("shop", "1.0.0");
    String approval = awaitingApproval(promotion);
    assertEquals(approval, awaitApproval("shop"), "approvals list shows the one promote waits for");

    CliRun pending = ok("approvals", "list");
    assertTrue(
        pending
            .out()
            .lines()
            .anyMatch(
                l -> l.matches(approval + "\\s+shop\\s+1\\.0\\.0\\s+staging\\s+1 of staff\\s+.*")),
        pending.printed());
    CliRun shown = ok("approvals", "get", approval);
    assertTrue(shown.out().lines().anyMatch(l -> l.matches("status:\\s+pending")), shown.printed());
    String promotionId =
        JSON.readTree(ok("approvals", "get", approval, "--json").out())
            .path("promotionId")
            .asText();
    CliRun got = ok("promotions", "get", "shop", promotionId);
    assertTrue(
        got.out()
            .lines()
            .anyMatch(
                l -> l.matches("waiting for:\\s+approval " + approval + " in staging: 1 of staff")),
        got.printed());

    CliRun self = cli("approve", approval);
    assertEquals(
        ExitCode.REFUSED, self.code(), "the one who promoted cannot approve: " + self.printed());
    CliRun stranger = cli("approve", approval, "--token", outsider);
    assertEquals(
        ExitCode.REFUSED, stranger.code(), "not of the group staff: " + stranger.printed());

    CliRun approved = ok("approve", approval, "--comment", "checked", "--token", staff);
    assertTrue(approved.out().startsWith("approved " + approval), approved.printed());
    assertTrue(
        approved
            .out()
            .lines()
            .anyMatch(l -> l.matches("decisions:\\s+approve by sam \\(staff\\) at .*: checked")),
        approved.printed());
    CliRun twice = cli("approve", approval, "--token", staff);
    assertEquals(
        ExitCode.REFUSED,
        twice.code(),
        "a decided approval takes no more decisions: " + twice.printed());

    CliRun promoted = finished(promotion);
    assertEquals(0, promoted.code(), promoted.printed());
    assertTrue(
        promoted
            .out()
            .startsWith(
                "started promotion " + promotionId + ": shop 1.0.0 through dev -> staging\n"),
        promoted.printed());
    assertTrue(
        promoted.out().lines().anyMatch(l -> l.matches("\\[ +\\d+s\\] dev: promoted")),
        promoted.printed());
    assertEquals(
        1,
        promoted
            .out()
            .lines()
            .filter(l -> l.matches("\\[ +\\d+s\\] staging: awaiting_approval.*"))
            .count(),
        "one line for the wait, naming the approval: " + promoted.printed());
    assertTrue(
        promoted.out().lines().anyMatch(l -> l.matches("\\[ +\\d+s\\] staging: promoted")),
        promoted.printed());
    assertTrue(
        promoted.out().lines().anyMatch(l -> l.matches("\\[ +\\d+s\\] promotion succeeded")),
        promoted.printed());
    assertTrue(
        promoted
            .out()
            .lines()
            .anyMatch(l -> l.matches("stages:\\s+dev promoted -> staging promoted")),
        promoted.printed());
    assertEquals(
        1,
        promoted.out().lines().filter(l -> l.matches("\\[ +\\d+s\\] dev: promoted")).count(),
        "each change once: " + promoted.printed());

    CliRun listed = ok("promotions", "list", "shop");
    assertTrue(
        listed
            .out()
            .lines()
            .anyMatch(l -> l.matches(promotionId + "\\s+1\\.0\\.0\\s+succeeded\\s+.*")),
        listed.printed());
    assertEquals(
        "1.0.0",
        JSON.readTree(ok("envs", "get", "shop", "staging", "--json").out())
            .path("deployedVersion")
            .asText());
  }

  @Test
  void aRejection_endsPromoteWait_withExit1_andTheFailure() throws Exception {
    registerApp("rejects");
    CliRun.Started promotion = promoteWaiting("rejects", "1.0.0");
    String approval = awaitingApproval(promotion);
    CliRun rejected = ok("reject", approval, "--comment", "not today", "--token", staff);
    assertTrue(rejected.out().startsWith("rejected " + approval), rejected.printed());

    CliRun failed = finished(promotion);
    assertEquals(ExitCode.FAILED, failed.code(), failed.printed());
    assertTrue(
        failed
            .out()
            .lines()
            .anyMatch(l -> l.matches("\\[ +\\d+s\\] promotion failed: approval_rejected.*")),
        failed.printed());
    assertTrue(
        failed
            .err()
            .lines()
            .anyMatch(l -> l.matches("stagecoach: promotion pr-\\S+ failed: approval_rejected.*")),
        failed.printed());
    assertEquals(
        ExitCode.REFUSED, cli("approve", approval, "--token", staff).code(), "rejected is decided");
  }

  @Test
  void unknownApproval_exit4_andUnknownPromotion_exit4() {
    CliRun unknown = cli("approve", "ap-no-such-approval", "--token", staff);
    assertEquals(ExitCode.NOT_FOUND, unknown.code(), unknown.printed());
    assertEquals(ExitCode.NOT_FOUND, cli("approvals", "get", "ap-no-such-approval").code());
    registerApp("lookups");
    assertEquals(
        ExitCode.NOT_FOUND, cli("promotions", "get", "lookups", "pr-no-such-promotion").code());
    assertEquals(ExitCode.NOT_FOUND, cli("promote", "lookups", "9.9.9").code());
    assertEquals(ExitCode.INVALID, cli("promote", "lookups", "1.0.0", "--to", "nope").code());
  }

  @Test
  void freeze_makesPromoteExit3_frozen_untilUnfreeze() throws Exception {
    registerApp("gates");
    CliRun frozen = ok("freeze", "gates", "dev", "--reason", "incident 42");
    assertTrue(frozen.out().startsWith("froze gates/dev: incident 42"), frozen.printed());
    assertTrue(
        frozen
            .out()
            .lines()
            .anyMatch(l -> l.matches("frozen:\\s+incident 42 \\(.* by local-admin\\)")),
        frozen.printed());
    CliRun listed = ok("envs", "list", "gates");
    assertTrue(
        listed.out().lines().anyMatch(l -> l.matches("dev\\s+pipeline\\s+dev\\s+.*\\s+yes")),
        listed.printed());

    CliRun refused = cli("promote", "gates", "1.0.0", "--wait");
    assertEquals(ExitCode.REFUSED, refused.code(), refused.printed());
    assertTrue(refused.err().startsWith("stagecoach: "), refused.printed());
    // 'why' says it before anything is tried: every reason, and each gate on the way.
    CliRun why = ok("why", "gates", "1.0.0");
    assertTrue(
        why.out().startsWith("gates 1.0.0 -> staging: cannot be promoted now\n"), why.printed());
    assertTrue(
        why.out()
            .lines()
            .anyMatch(
                l -> l.startsWith("  because environment 'gates/dev' is frozen by local-admin")),
        why.printed());
    assertTrue(
        why.out()
            .lines()
            .anyMatch(l -> l.matches("\\s+freeze\\s+closed\\s+environment 'gates/dev'.*")),
        why.printed());
    assertTrue(
        why.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "\\s+approval\\s+pending\\s+will need 1 of staff \\(the requester never"
                            + " counts\\)")),
        why.printed());
    assertEquals(ExitCode.NOT_FOUND, cli("why", "gates", "9.9.9").code());
    assertEquals(ExitCode.INVALID, cli("why", "gates", "1.0.0", "--to", "prod").code());
    assertEquals(ExitCode.INVALID, cli("freeze", "gates", "dev").code(), "--reason is required");

    CliRun thawed = ok("unfreeze", "gates", "dev");
    assertTrue(thawed.out().startsWith("unfroze gates/dev"), thawed.printed());
    assertFalse(thawed.out().contains("frozen:"), thawed.printed());
    assertTrue(
        ok("why", "gates", "1.0.0", "--to", "dev")
            .out()
            .startsWith("gates 1.0.0 -> dev: can be promoted now\n"));
    CliRun toDev = ok("promote", "gates", "1.0.0", "--to", "dev", "--wait");
    assertTrue(toDev.out().contains("promotion succeeded"), toDev.printed());
    // The workflow's decisions are in the audit log, as the requester's, with the stage's status
    // before and after (each recorded before the workflow's next step, so before it succeeded).
    CliRun decisions = ok("audit", "--app", "gates", "--env", "dev");
    for (String decided :
        List.of(
            "stage.started\\s+\\S+/dev\\s+accepted\\s+pending -> deploying",
            "stage.promoted\\s+\\S+/dev\\s+accepted\\s+verifying -> promoted")) {
      assertTrue(
          decisions
              .out()
              .lines()
              .anyMatch(l -> l.matches(".*local-admin\\s+workflow\\s+workflow " + decided)),
          decided + "\n" + decisions.printed());
    }
    assertEquals(
        ExitCode.REFUSED,
        cli("promote", "gates", "1.1.0", "--from", "staging").code(),
        "skipping dev is an order violation");
  }

  @Test
  void compare_printsTheVerdictFirst_thenEachRow_andMarksDeclaredConfig() throws Exception {
    registerApp("parity");
    ok("apps", "update", "parity", "--per-env-config", "LOG_LEVEL", "--drift-check-hours", "6");
    assertTrue(
        ok("apps", "get", "parity")
            .out()
            .lines()
            .anyMatch(l -> l.matches("drift checks:?\\s+every 6 h")),
        "apps get shows the app's drift interval");
    assertEquals(
        ExitCode.INVALID, cli("apps", "update", "parity", "--drift-check-hours", "0").code());
    ok("envs", "update", "parity", "dev", "--config", "LOG_LEVEL=debug", "--config", "FEATURE=on");
    ok("envs", "update", "parity", "staging", "--config", "LOG_LEVEL=info");
    ok("deploy", "parity", "1.0.0", "--to", "dev", "--wait");

    CliRun compared = ok("compare", "parity", "dev", "staging");

    assertEquals(
        "parity: dev vs staging: only the left runs a release; 2 config values differ, 1 declared"
            + " per-env; 2 resources differ; 3 output keys are on one side only",
        compared.out().lines().findFirst().orElseThrow(),
        compared.printed());
    assertTrue(
        compared
            .out()
            .lines()
            .anyMatch(
                l -> l.matches("config\\s+LOG_LEVEL\\s+debug\\s+info\\s+differs \\(per-env\\)")),
        compared.printed());
    assertTrue(
        compared.out().lines().anyMatch(l -> l.matches("config\\s+FEATURE\\s+on\\s+-\\s+differs")),
        compared.printed());
    CliRun differences = ok("compare", "parity", "dev", "staging", "--differences");
    assertFalse(differences.out().contains("protected"), differences.printed());
    assertTrue(
        ok("apps", "get", "parity")
            .out()
            .lines()
            .anyMatch(l -> l.matches("per-env config:?\\s+LOG_LEVEL")),
        "apps get shows the declared keys");
    JsonNode json = JSON.readTree(ok("compare", "parity", "dev", "staging", "--json").out());
    assertEquals("differs", json.path("parity").asText());

    assertEquals(ExitCode.NOT_FOUND, cli("compare", "parity", "dev", "qa").code());
    CliRun same = cli("compare", "parity", "dev", "dev");
    assertEquals(ExitCode.INVALID, same.code(), same.printed());
    assertTrue(same.err().startsWith("stagecoach: "), same.printed());
  }

  @Test
  void promote_withoutWait_printsThePromotion_andHowToFollowIt() throws Exception {
    registerApp("later");
    CliRun started = ok("promote", "later", "1.0.0", "--to", "dev");
    assertTrue(started.out().startsWith("started promotion pr-"), started.printed());
    String id =
        started
            .out()
            .lines()
            .filter(l -> l.startsWith("promotion:"))
            .findFirst()
            .orElseThrow()
            .substring("promotion:".length())
            .strip();
    assertTrue(
        started.err().contains("stagecoach promotions get later " + id + " --wait"),
        started.printed());
    CliRun followed = ok("promotions", "get", "later", id, "--wait", "--json");
    assertEquals(
        "succeeded", JSON.readTree(followed.out()).path("status").asText(), followed.printed());
    assertTrue(
        followed.err().contains("promotion succeeded"),
        "progress goes to stderr with --json: " + followed.printed());
  }

  @Test
  void promoteQuiet_andApprovalsListWaitQuiet_driveAPromotionFromAScript() throws Exception {
    registerApp("scripted");
    assertEquals(
        "", ok("approvals", "list", "-q").out(), "no approval waits before this promotion asks");

    CliRun started = ok("promote", "scripted", "1.0.0", "-q");
    String id = started.out().strip();
    assertTrue(id.matches("pr-[0-9a-f]+"), "only the id: " + started.printed());
    assertEquals("", started.err(), started.printed());

    // Waits while dev deploys, until staging asks for its approval.
    CliRun waited = ok("approvals", "list", "--wait", "-q");
    String approval = waited.out().strip();
    JsonNode promotion = JSON.readTree(ok("promotions", "get", "scripted", id, "--json").out());
    assertEquals(
        approval,
        promotion.path("pendingApprovals").path(0).path("approvalId").asText(),
        waited.printed());

    ok("approve", approval, "--token", staff);
    CliRun done = ok("promotions", "get", "scripted", id, "--wait");
    assertTrue(done.out().contains("promotion succeeded"), done.printed());

    CliRun nothing =
        CliRun.run(env, FAST.withTimeout(Duration.ofMillis(300)), "approvals", "list", "--wait");
    assertEquals(ExitCode.FAILED, nothing.code(), nothing.printed());
    assertEquals(
        "stagecoach: no approval waited for a decision within 0s\n",
        nothing.err(),
        nothing.printed());
    assertEquals(ExitCode.INVALID, cli("promote", "scripted", "1.1.0", "-q", "--wait").code());
    assertEquals(ExitCode.INVALID, cli("approvals", "list", "-q", "--json").code());
  }

  @Test
  void eventsTail_followsTheBus_aLinePerEventOfADeploy_untilTheOneAskedFor() throws Exception {
    registerApp("tailed");
    // Started before the deploy and following live; --since makes it independent of whether its
    // first read comes before or after the deploy's first event.
    CliRun.Started tail =
        CliRun.start(
            env,
            FAST,
            "events",
            "tail",
            "--app",
            "tailed",
            "--env",
            "dev",
            "--since",
            "10m",
            "--until",
            "Deployment Succeeded");
    ok("deploy", "tailed", "1.0.0", "--to", "dev", "--wait");
    CliRun followed = tail.done().get(60, TimeUnit.SECONDS);
    assertEquals(0, followed.code(), followed.printed());
    java.util.List<String> lines = followed.out().lines().toList();
    assertEquals(
        2, lines.size(), "only tailed/dev's events, up to the success: " + followed.printed());
    assertTrue(
        lines
            .get(0)
            .matches(
                "\\d\\d:\\d\\d:\\d\\d  stagecoach  Deployment Requested  tailed/dev 1\\.0\\.0"
                    + " d-[0-9a-f]+ requested by local-admin"),
        followed.printed());
    assertTrue(
        lines
            .get(1)
            .matches(
                "\\d\\d:\\d\\d:\\d\\d  stagecoach  Deployment Succeeded  tailed/dev 1\\.0\\.0"
                    + " d-[0-9a-f]+ succeeded by local-admin"),
        followed.printed());

    // --json: the whole events, one a line; without --env the app's releases are there too.
    CliRun json =
        ok(
            "events",
            "tail",
            "--app",
            "tailed",
            "--since",
            "10m",
            "--json",
            "--until",
            "Deployment Succeeded");
    java.util.List<JsonNode> events = new java.util.ArrayList<>();
    for (String line : json.out().lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertTrue(
        events.stream().allMatch(e -> e.path("detail").path("app").asText().equals("tailed")),
        json.printed());
    assertEquals(
        java.util.List.of(
            "Release Registered",
            "Release Registered",
            "Deployment Requested",
            "Deployment Succeeded"),
        events.stream().map(e -> e.path("detail-type").asText()).toList(),
        json.printed());
    assertEquals("0", events.get(3).path("version").asText());
  }

  @Test
  void eventsTail_isALocalFeature_refusedForAnotherEndpoint_andASinceItCannotRead() {
    CliEnvironment aws =
        new CliEnvironment(
            Map.of(
                CliEnvironment.ENDPOINT,
                "https://abc123.execute-api.eu-west-1.amazonaws.com/live",
                CliEnvironment.TOKEN,
                "sc_x"),
            work.resolve("elsewhere"),
            work.resolve("home"),
            "tester");
    CliRun refused = CliRun.run(aws, FAST, "events", "tail");
    assertEquals(ExitCode.INVALID, refused.code(), refused.printed());
    assertTrue(
        refused
            .err()
            .startsWith(
                "stagecoach: events tail follows the local cloud's buses ('stagecoach serve'); on"
                    + " AWS,"),
        refused.printed());
    assertEquals(1, refused.err().lines().count(), refused.printed());
    assertEquals(
        ExitCode.INVALID, cli("events", "tail", "--since", "yesterday").code(), "not a duration");
  }
}
