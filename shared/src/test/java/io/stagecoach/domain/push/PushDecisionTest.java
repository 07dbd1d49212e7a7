package io.stagecoach.domain.push;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.push.PushDecision.DeployEphemeral;
import io.stagecoach.domain.push.PushDecision.DestroyEphemeral;
import io.stagecoach.domain.push.PushDecision.Ignored;
import io.stagecoach.domain.push.PushDecision.RegisterAndPromote;
import io.stagecoach.domain.push.RepositoryChange.ReferenceChange;
import io.stagecoach.domain.push.RepositoryChange.ReferenceEvent;
import io.stagecoach.domain.push.RepositoryChange.ReferenceType;
import io.stagecoach.domain.push.RepositoryChange.UnreferencedMergeCommit;
import io.stagecoach.domain.registry.BranchRule;
import io.stagecoach.domain.registry.BranchRule.Ephemeral;
import io.stagecoach.domain.registry.BranchRule.Pipeline;
import io.stagecoach.domain.registry.BranchRule.VersionFrom;
import io.stagecoach.domain.registry.Naming;
import io.stagecoach.domain.registry.RepositoryMapping;
import io.stagecoach.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PushDecisionTest {

  private static final Instant NOW = Fixtures.NOW;
  private static final String COMMIT = "7f0103fa9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e";
  private static final String OLD = "3e5983aa9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e";

  private static final List<RepositoryMapping> MAPPINGS =
      List.of(
          new RepositoryMapping(
              "payments",
              "payments-service",
              List.of(
                  new BranchRule("main", new Pipeline(VersionFrom.SHORT_COMMIT)),
                  BranchRule.ephemeral("feature/*", Duration.ofDays(3)))),
          new RepositoryMapping("ledger", "ledger", List.of(BranchRule.pipeline("trunk"))));

  private static ReferenceChange branch(ReferenceEvent event, String repository, String branch) {
    return event == ReferenceEvent.DELETED
        ? new ReferenceChange(
            repository, event, ReferenceType.BRANCH, branch, Optional.empty(), Optional.of(OLD))
        : new ReferenceChange(
            repository,
            event,
            ReferenceType.BRANCH,
            branch,
            Optional.of(COMMIT),
            event == ReferenceEvent.UPDATED ? Optional.of(OLD) : Optional.empty());
  }

  @Test
  void aPushToThePipelineBranch_registersAndPromotesTheCommit() {
    assertEquals(
        new RegisterAndPromote("payments", "7f0103f", COMMIT),
        PushDecision.decide(
            branch(ReferenceEvent.UPDATED, "payments-service", "main"), MAPPINGS, NOW));
    assertEquals(
        new RegisterAndPromote("ledger", COMMIT, COMMIT),
        PushDecision.decide(branch(ReferenceEvent.CREATED, "ledger", "trunk"), MAPPINGS, NOW),
        "the full commit id is the version unless the rule says shortCommit");
  }

  @Test
  void aPushToAFeatureBranch_deploysItsEphemeralEnvironment_expiringTtlAfterThePush() {
    for (ReferenceEvent event : List.of(ReferenceEvent.CREATED, ReferenceEvent.UPDATED)) {
      assertEquals(
          new DeployEphemeral(
              "payments",
              "feature-login",
              "feature/login",
              COMMIT,
              COMMIT,
              NOW.plus(Duration.ofDays(3))),
          PushDecision.decide(branch(event, "payments-service", "feature/login"), MAPPINGS, NOW),
          event.name());
    }
  }

  @Test
  void deletingAFeatureBranch_destroysItsEphemeralEnvironment() {
    assertEquals(
        new DestroyEphemeral("payments", "feature-login", "feature/login"),
        PushDecision.decide(
            branch(ReferenceEvent.DELETED, "payments-service", "feature/login"), MAPPINGS, NOW));
  }

  @Test
  void aLongBranchName_givesTheSameEnvironmentToItsDeployAndItsDestroy() {
    DeployEphemeral deploy =
        assertInstanceOf(
            DeployEphemeral.class,
            PushDecision.decide(
                branch(ReferenceEvent.CREATED, "payments-service", "feature/JIRA-1234_checkout"),
                MAPPINGS,
                NOW));
    DestroyEphemeral destroy =
        assertInstanceOf(
            DestroyEphemeral.class,
            PushDecision.decide(
                branch(ReferenceEvent.DELETED, "payments-service", "feature/JIRA-1234_checkout"),
                MAPPINGS,
                NOW));
    assertEquals(deploy.environment(), destroy.environment());
    assertTrue(Naming.environmentNameProblem(deploy.environment()).isEmpty(), deploy.environment());
  }

  @Test
  void deletingThePipelineBranch_isIgnored() {
    Ignored ignored =
        assertInstanceOf(
            Ignored.class,
            PushDecision.decide(
                branch(ReferenceEvent.DELETED, "payments-service", "main"), MAPPINGS, NOW));
    assertTrue(ignored.reason().contains("deleted"), ignored.reason());
  }

  @Test
  void aPushToARepositoryNoAppIsBuiltFrom_isIgnored() {
    Ignored ignored =
        assertInstanceOf(
            Ignored.class,
            PushDecision.decide(
                branch(ReferenceEvent.UPDATED, "MyDemoRepo", "main"), MAPPINGS, NOW));
    assertEquals("no app is built from repository MyDemoRepo", ignored.reason());
  }

  @Test
  void repositoryNames_areCaseSensitive_asInCodeCommit() {
    assertInstanceOf(
        Ignored.class,
        PushDecision.decide(
            branch(ReferenceEvent.UPDATED, "Payments-Service", "main"), MAPPINGS, NOW));
  }

  @Test
  void aPushToABranchNoRuleMatches_isIgnored() {
    Ignored ignored =
        assertInstanceOf(
            Ignored.class,
            PushDecision.decide(
                branch(ReferenceEvent.UPDATED, "payments-service", "feature/ui/login"),
                MAPPINGS,
                NOW));
    assertEquals("branch feature/ui/login matches no rule of app payments", ignored.reason());
  }

  @Test
  void tags_areIgnored_evenWhenTheirNameMatchesABranchRule() {
    ReferenceChange tag =
        new ReferenceChange(
            "payments-service",
            ReferenceEvent.CREATED,
            ReferenceType.TAG,
            "main",
            Optional.of(COMMIT),
            Optional.empty());
    assertInstanceOf(Ignored.class, PushDecision.decide(tag, MAPPINGS, NOW));
  }

  @Test
  void anUnreferencedMergeCommit_isIgnored() {
    assertInstanceOf(
        Ignored.class,
        PushDecision.decide(
            new UnreferencedMergeCommit("payments-service", COMMIT), MAPPINGS, NOW));
  }

  @Test
  void aRepositoryMappedBySeveralApps_isIgnored_ratherThanGuessingTheApp() {
    List<RepositoryMapping> shared =
        List.of(
            new RepositoryMapping("payments", "monorepo", List.of(BranchRule.pipeline("main"))),
            new RepositoryMapping("ledger", "monorepo", List.of(BranchRule.pipeline("main"))));
    Ignored ignored =
        assertInstanceOf(
            Ignored.class,
            PushDecision.decide(branch(ReferenceEvent.UPDATED, "monorepo", "main"), shared, NOW));
    assertEquals(
        "repository monorepo is mapped by several apps (payments, ledger)", ignored.reason());
  }

  @Test
  void theFirstMatchingRuleDecides() {
    List<RepositoryMapping> ordered =
        List.of(
            new RepositoryMapping(
                "payments",
                "payments-service",
                List.of(
                    BranchRule.ephemeral("release/*", Duration.ofHours(6)),
                    BranchRule.pipeline("**"))));
    assertInstanceOf(
        DeployEphemeral.class,
        PushDecision.decide(
            branch(ReferenceEvent.UPDATED, "payments-service", "release/1.2"), ordered, NOW));
    assertInstanceOf(
        RegisterAndPromote.class,
        PushDecision.decide(
            branch(ReferenceEvent.UPDATED, "payments-service", "release/1.2/hotfix"),
            ordered,
            NOW));
  }

  @Test
  void anEphemeralRuleCanNameVersionsByShortCommit() {
    List<RepositoryMapping> mappings =
        List.of(
            new RepositoryMapping(
                "payments",
                "payments-service",
                List.of(
                    new BranchRule(
                        "feature/*",
                        new Ephemeral(Duration.ofHours(1), VersionFrom.SHORT_COMMIT)))));
    DeployEphemeral deploy =
        assertInstanceOf(
            DeployEphemeral.class,
            PushDecision.decide(
                branch(ReferenceEvent.UPDATED, "payments-service", "feature/x"), mappings, NOW));
    assertEquals("7f0103f", deploy.version());
    assertEquals(COMMIT, deploy.commit());
    assertEquals(NOW.plus(Duration.ofHours(1)), deploy.expiresAt());
  }

  @Test
  void aCreatedOrUpdatedReference_mustPointAtACommit() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ReferenceChange(
                "r",
                ReferenceEvent.UPDATED,
                ReferenceType.BRANCH,
                "main",
                Optional.empty(),
                Optional.of(OLD)));
  }
}
