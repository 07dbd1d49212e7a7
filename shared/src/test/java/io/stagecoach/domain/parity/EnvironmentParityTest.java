package io.stagecoach.domain.parity;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.drift.DriftedResource;
import io.stagecoach.domain.override.FreezePolicy;
import io.stagecoach.domain.pipeline.PromotionConcurrency;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.DeployedRelease;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.EnvironmentFreeze;
import io.stagecoach.domain.registry.EnvironmentKind;
import io.stagecoach.domain.registry.EphemeralPolicy;
import io.stagecoach.domain.registry.SecretReference;
import io.stagecoach.domain.registry.Tier;
import io.stagecoach.domain.template.StackResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentParityTest {

  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String SECRET =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf";

  private static App app(Set<String> perEnvironment) {
    return new App(
        "payments",
        "",
        List.of(new Stage("staging"), new Stage("prod")),
        Set.of(),
        Optional.empty(),
        PromotionConcurrency.SUPERSEDE,
        NOW,
        "admin",
        NOW,
        1,
        Optional.empty(),
        EphemeralPolicy.DEFAULT,
        FreezePolicy.DEFAULT,
        Optional.empty(),
        perEnvironment,
        Optional.empty());
  }

  private static DeployedRelease runs(String version, String digest, int revision) {
    return new DeployedRelease(
        version,
        digest,
        "d-0123456789ab",
        "0001",
        NOW,
        Optional.of(revision),
        Optional.of("rita"),
        Map.of("LedgerTable", "payments-ledger"),
        List.of(new StackResource("Ledger", "AWS::DynamoDB::Table", Optional.of("ledger"))));
  }

  private static Environment env(
      String name,
      Map<String, String> config,
      Map<String, SecretReference> secrets,
      boolean isProtected,
      Optional<DeployedRelease> deployed,
      Optional<EnvironmentFreeze> freeze) {
    return new Environment(
        "payments",
        name,
        EnvironmentKind.PIPELINE,
        name.equals("prod") ? Tier.PROD : Tier.STAGING,
        "123456789012",
        "eu-west-1",
        config,
        secrets,
        isProtected,
        "admin",
        Optional.empty(),
        deployed,
        freeze,
        Optional.empty(),
        NOW,
        "admin",
        NOW,
        1);
  }

  private static Map<String, ResourceShape> ledger(String billing) {
    return Map.of(
        "Ledger",
        new ResourceShape(
            "AWS::DynamoDB::Table",
            Map.of("BillingMode", billing, "KeySchema.0.AttributeName", "id")));
  }

  private static EnvironmentParity.Side side(Environment env, Map<String, ResourceShape> shapes) {
    return new EnvironmentParity.Side(env, Optional.of(shapes));
  }

  @Test
  void theSameReleaseAndTemplate_withOnlyDeclaredConfigDifferences_isExpected() {
    Map<String, SecretReference> secrets = Map.of("DB_PASSWORD", new SecretReference(SECRET));
    Environment staging =
        env(
            "staging",
            Map.of("LOG_LEVEL", "debug", "TABLE", "ledger-staging", "REGION_HINT", "eu"),
            secrets,
            true,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());
    Environment prod =
        env(
            "prod",
            Map.of("LOG_LEVEL", "info", "TABLE", "ledger-prod", "REGION_HINT", "eu"),
            secrets,
            true,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());

    ParityReport report =
        EnvironmentParity.compare(
            app(Set.of("LOG_LEVEL", "TABLE")),
            side(staging, ledger("PAY_PER_REQUEST")),
            side(prod, ledger("PAY_PER_REQUEST")));

    assertEquals(ParityReport.Parity.EXPECTED, report.parity());
    assertEquals(
        "same release and template; 2 config values differ, both declared per-env",
        report.verdict());
    assertEquals(
        List.of("LOG_LEVEL", "TABLE"), report.differences().stream().map(ParityRow::key).toList());
    assertTrue(report.differences().stream().allMatch(ParityRow::expected));
  }

  @Test
  void identicalEnvironments_compareAsSame_andNoValueOfASecretOrOutputIsShown() {
    Map<String, SecretReference> secrets = Map.of("DB_PASSWORD", new SecretReference(SECRET));
    Environment a =
        env(
            "staging",
            Map.of("LOG_LEVEL", "info"),
            secrets,
            false,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());
    Environment b =
        env(
            "prod",
            Map.of("LOG_LEVEL", "info"),
            secrets,
            false,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());

    ParityReport report =
        EnvironmentParity.compare(
            app(Set.of()), side(a, ledger("PROVISIONED")), side(b, ledger("PROVISIONED")));

    assertEquals(ParityReport.Parity.SAME, report.parity());
    assertEquals("same release and template; nothing else differs", report.verdict());
    for (ParityRow row : report.rows()) {
      assertFalse(row.left().orElse("").contains("secretsmanager"), row.toString());
      assertFalse(row.left().orElse("").contains("payments-ledger"), row.toString());
    }
    assertTrue(
        report.rows().stream()
            .anyMatch(
                r ->
                    r.section() == ParitySection.SECRET
                        && r.key().equals("DB_PASSWORD")
                        && r.left().equals(Optional.of("set"))));
  }

  @Test
  void everyKindOfDifference_isListed_andTheVerdictNamesEach() {
    Environment staging =
        env(
            "staging",
            Map.of("LOG_LEVEL", "debug", "FEATURE_X", "on"),
            Map.of("DB_PASSWORD", new SecretReference(SECRET)),
            false,
            Optional.of(runs("1.5.0", "sha256:" + "b".repeat(64), 3)),
            Optional.empty());
    Environment prod =
        env(
            "prod",
            Map.of("LOG_LEVEL", "info"),
            Map.of(),
            true,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.of(new EnvironmentFreeze("quarter end", "olga", NOW)));
    Map<String, ResourceShape> stagingShapes =
        Map.of(
            "Ledger",
            new ResourceShape("AWS::DynamoDB::Table", Map.of("BillingMode", "PAY_PER_REQUEST")),
            "Queue",
            new ResourceShape("AWS::SQS::Queue", Map.of()));

    ParityReport report =
        EnvironmentParity.compare(
            app(Set.of("LOG_LEVEL")),
            side(staging, stagingShapes),
            side(prod, Map.of("Ledger", ledger("PROVISIONED").get("Ledger"))));

    assertEquals(ParityReport.Parity.DIFFERS, report.parity());
    assertEquals(
        "release 1.5.0 vs 1.4.0, template r3 vs r2; 2 config values differ, 1 declared per-env;"
            + " 1 resource differs; 2 resource properties differ; 1 secret reference is on one"
            + " side only; protection differs; freeze differs",
        report.verdict());
    ParityRow queue =
        report.rows().stream().filter(r -> r.key().equals("Queue")).findFirst().orElseThrow();
    assertEquals(Optional.of("AWS::SQS::Queue"), queue.left());
    assertEquals(Optional.empty(), queue.right());
    assertTrue(
        report.rows().stream()
            .anyMatch(
                r ->
                    r.section() == ParitySection.PROPERTY
                        && r.key().equals("Ledger.BillingMode")
                        && r.left().equals(Optional.of("PAY_PER_REQUEST"))
                        && r.right().equals(Optional.of("PROVISIONED"))));
    ParityRow feature =
        report.rows().stream().filter(r -> r.key().equals("FEATURE_X")).findFirst().orElseThrow();
    assertTrue(feature.unexpected());
  }

  @Test
  void anEnvironmentNeverDeployed_comparesWithoutARelease_andWithoutTemplateResources() {
    Environment fresh =
        env("staging", Map.of(), Map.of(), false, Optional.empty(), Optional.empty());
    Environment prod =
        env(
            "prod",
            Map.of(),
            Map.of(),
            false,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());

    ParityReport report =
        EnvironmentParity.compare(
            app(Set.of()),
            new EnvironmentParity.Side(fresh, Optional.empty()),
            new EnvironmentParity.Side(prod, Optional.empty()));

    assertEquals(
        "only the right runs a release; 1 resource differs; 1 output key is on one side only",
        report.verdict());
    ParityRow ledger =
        report.rows().stream().filter(r -> r.key().equals("Ledger")).findFirst().orElseThrow();
    assertEquals(Optional.empty(), ledger.left());
    assertEquals(Optional.of("AWS::DynamoDB::Table"), ledger.right(), "from what prod recorded");
  }

  @Test
  void aDriftedSide_isADifference_theVerdictNames() {
    Environment staging =
        env(
            "staging",
            Map.of(),
            Map.of(),
            false,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());
    Environment read =
        env(
            "prod",
            Map.of(),
            Map.of(),
            false,
            Optional.of(runs("1.4.0", DIGEST, 2)),
            Optional.empty());
    Environment prod =
        new Environment(
            read.app(),
            read.name(),
            read.kind(),
            read.tier(),
            read.account(),
            read.region(),
            read.config(),
            read.secrets(),
            UsageAssumptions.DEFAULT,
            read.isProtected(),
            read.owner(),
            read.expiresAt(),
            read.deployed(),
            read.freeze(),
            read.pin(),
            read.createdAt(),
            read.createdBy(),
            read.updatedAt(),
            read.revision(),
            Optional.empty(),
            Drift.found(
                List.of(
                    new DriftedResource(
                        "Ledger",
                        "AWS::DynamoDB::Table",
                        DriftedResource.Difference.DELETED,
                        List.of())),
                NOW));

    ParityReport report =
        EnvironmentParity.compare(
            app(Set.of()), side(staging, ledger("PROVISIONED")), side(prod, ledger("PROVISIONED")));

    assertEquals(ParityReport.Parity.DIFFERS, report.parity());
    assertEquals("same release and template; drift differs", report.verdict());
    ParityRow drift =
        report.rows().stream()
            .filter(r -> r.section() == ParitySection.DRIFT)
            .findFirst()
            .orElseThrow();
    assertEquals(Optional.of("unknown"), drift.left());
    assertEquals(Optional.of("drifted"), drift.right());
  }
}
