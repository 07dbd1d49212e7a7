package io.stagecoach.domain.registry;

import static io.stagecoach.testing.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.pipeline.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment rules, checked without any storage (the registry is never reached). */
class EnvironmentRulesTest {

  private final App payments =
      new App(
          "payments",
          "",
          List.of(new Stage("dev"), new Stage("staging"), new Stage("prod")),
          java.util.Set.of("qa"),
          Optional.empty(),
          io.stagecoach.domain.pipeline.PromotionConcurrency.SUPERSEDE,
          NOW,
          "alice",
          NOW,
          1);
  private final RegistryService rules = new RegistryService(null);

  private List<String> problems(String name, EnvironmentSpec spec) {
    return switch (rules.environmentFrom(ADMIN, payments, name, spec, Optional.empty(), NOW)) {
      case Outcome.Accepted<Environment> a -> List.of();
      case Outcome.Rejected<Environment> r ->
          r.rejection().errors().stream().map(FieldError::field).toList();
    };
  }

  private static EnvironmentSpec spec(String kind, String tier, Optional<Instant> expiresAt) {
    return new EnvironmentSpec(
        Optional.ofNullable(kind),
        Optional.ofNullable(tier),
        Optional.of("123456789012"),
        Optional.of("eu-west-1"),
        Map.of(),
        Map.of(),
        Optional.empty(),
        Optional.empty(),
        expiresAt);
  }

  @Test
  void pipelineEnvironment_mustBeAStageOrAllowed() {
    assertEquals(List.of(), problems("staging", spec("pipeline", "staging", Optional.empty())));
    assertEquals(List.of(), problems("qa", spec("pipeline", "dev", Optional.empty())));
    assertEquals(
        List.of("environment"), problems("sandbox", spec("pipeline", "dev", Optional.empty())));
  }

  @Test
  void ephemeralEnvironment_needsAFutureExpiry_withinThirtyDays_orTakesTheDefaultTtl() {
    assertEquals(List.of(), problems("pr-42", spec("ephemeral", null, Optional.empty())));
    assertEquals(
        List.of("expiresAt"),
        problems("pr-42", spec("ephemeral", null, Optional.of(NOW.minusSeconds(1)))));
    assertEquals(
        List.of("expiresAt"),
        problems("pr-42", spec("ephemeral", null, Optional.of(NOW.plus(Duration.ofDays(31))))));
    assertEquals(
        List.of(),
        problems("pr-42", spec("ephemeral", null, Optional.of(NOW.plus(Duration.ofDays(2))))));
  }

  @Test
  void personalEnvironment_runsOnDev_andCannotTakeASharedName() {
    assertEquals(List.of("tier"), problems("alice", spec("personal", "prod", Optional.empty())));
    assertEquals(
        List.of("environment"), problems("prod", spec("personal", null, Optional.empty())));
    assertEquals(
        List.of("expiresAt"),
        problems("alice", spec("personal", null, Optional.of(NOW.plusSeconds(60)))));
  }

  @Test
  void secretValues_areRefused_andTheMessageNeverEchoesThem() {
    EnvironmentSpec pasted =
        new EnvironmentSpec(
            Optional.of("pipeline"),
            Optional.of("dev"),
            Optional.of("123456789012"),
            Optional.of("eu-west-1"),
            Map.of(),
            Map.of("DB_PASSWORD", "hunter2"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    Outcome<Environment> outcome =
        rules.environmentFrom(ADMIN, payments, "dev", pasted, Optional.empty(), NOW);
    Rejection r = ((Outcome.Rejected<Environment>) outcome).rejection();
    assertEquals("secrets.DB_PASSWORD", r.errors().get(0).field());
    assertFalse(r.toString().contains("hunter2"));
  }

  private List<String> secretProblems(String account, String region, String reference) {
    EnvironmentSpec spec =
        new EnvironmentSpec(
            Optional.of("pipeline"),
            Optional.of("dev"),
            Optional.of(account),
            Optional.of(region),
            Map.of(),
            Map.of("DB_PASSWORD", reference),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return switch (rules.environmentFrom(ADMIN, payments, "dev", spec, Optional.empty(), NOW)) {
      case Outcome.Accepted<Environment> a -> List.of();
      case Outcome.Rejected<Environment> r ->
          r.rejection().errors().stream().map(e -> e.field() + ": " + e.message()).toList();
    };
  }

  @Test
  void secretReferences_ofAnotherAccount_areRefused_namingBothAccounts() {
    assertEquals(
        List.of(
            "secrets.DB_PASSWORD: is in account 999999999999, not the environment's account"
                + " 123456789012: a secret is referenced from the environment's own account"),
        secretProblems(
            "123456789012",
            "eu-west-1",
            "arn:aws:secretsmanager:eu-west-1:999999999999:secret:db-pass-AbCdEf"));
    assertEquals(
        1,
        secretProblems(
                "123456789012",
                "eu-west-1",
                "arn:aws:ssm:eu-west-1:999999999999:parameter/payments/db-pass")
            .size(),
        "SSM parameter ARNs too");
  }

  @Test
  void secretReferences_ofAnotherRegion_areRefused_namingBothRegions() {
    List<String> problems =
        secretProblems(
            "123456789012",
            "eu-west-1",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-pass-AbCdEf");
    assertEquals(1, problems.size());
    assertTrue(problems.get(0).contains("us-east-1"), problems.get(0));
    assertTrue(problems.get(0).contains("eu-west-1"), problems.get(0));
  }

  @Test
  void secretReferences_ofTheEnvironmentsOwnAccountAndRegion_orSsmPaths_areAccepted() {
    assertEquals(
        List.of(),
        secretProblems(
            "123456789012",
            "eu-west-1",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass-AbCdEf"));
    assertEquals(
        List.of(),
        secretProblems(
            "123456789012", "eu-west-1", "arn:aws:ssm:eu-west-1:123456789012:parameter/db-pass"));
    assertEquals(List.of(), secretProblems("123456789012", "eu-west-1", "ssm:/payments/db-pass"));
  }

  @Test
  void aSecretReference_isNotComparedWithAnAccountThatIsItselfInvalid() {
    assertEquals(
        List.of("account: must be a 12-digit AWS account id"),
        secretProblems(
            "12345",
            "eu-west-1",
            "arn:aws:secretsmanager:eu-west-1:999999999999:secret:db-pass-AbCdEf"));
  }

  @Test
  void everyBadFieldIsReported_atOnce() {
    EnvironmentSpec bad =
        new EnvironmentSpec(
            Optional.of("pipeline"),
            Optional.of("gold"),
            Optional.of("12345"),
            Optional.of("Europe"),
            Map.of("bad key", "x"),
            Map.of(),
            Optional.empty(),
            Optional.of("!nobody"),
            Optional.empty());
    assertEquals(
        List.of("tier", "account", "region", "config.bad key", "owner"), problems("dev", bad));
  }

  @Test
  void kindCannotChange_onReplace() {
    Environment current =
        ((Outcome.Accepted<Environment>)
                rules.environmentFrom(
                    ADMIN,
                    payments,
                    "qa",
                    spec("pipeline", "dev", Optional.empty()),
                    Optional.empty(),
                    NOW))
            .value();
    Outcome<Environment> changed =
        rules.environmentFrom(
            ADMIN,
            payments,
            "qa",
            spec("ephemeral", null, Optional.of(NOW.plusSeconds(600))),
            Optional.of(current),
            NOW);
    assertEquals(
        Rejection.Code.CONFLICT, ((Outcome.Rejected<Environment>) changed).rejection().code());
  }
}
