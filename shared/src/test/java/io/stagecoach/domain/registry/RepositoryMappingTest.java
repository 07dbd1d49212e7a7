package io.stagecoach.domain.registry;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.registry.BranchRule.Ephemeral;
import io.stagecoach.domain.registry.BranchRule.Pipeline;
import io.stagecoach.domain.registry.BranchRule.VersionFrom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RepositoryMappingTest {

  private static RepositoryMapping mapping(BranchRule... rules) {
    return new RepositoryMapping("payments", "payments-service", List.of(rules));
  }

  @Test
  void problems_isEmpty_forAPipelineBranchAndEphemeralFeatureBranches() {
    RepositoryMapping valid =
        mapping(
            new BranchRule("main", new Pipeline(VersionFrom.SHORT_COMMIT)),
            BranchRule.ephemeral("feature/*", Duration.ofDays(3)),
            BranchRule.ephemeral("**", Duration.ofHours(8)));
    assertEquals(List.of(), valid.problems());
  }

  @ParameterizedTest
  @CsvSource({
    "main, main, true",
    "main, main2, false",
    "main, xmain, false",
    "feature/*, feature/login, true",
    "feature/*, feature/, true",
    "feature/*, feature/ui/login, false",
    "feature/*, feature, false",
    "feature/**, feature/ui/login, true",
    "feature/**, features/login, false",
    "release-*, release-2024.11, true",
    "*/hotfix, team-a/hotfix, true",
    "*, main, true",
    "*, feature/login, false",
    "**, feature/ui/login, true",
    "v1.0, v1x0, false"
  })
  void matches_readsStarAsOnePathSegmentAndDoubleStarAsAny(
      String pattern, String branch, boolean matches) {
    assertEquals(matches, BranchRule.pipeline(pattern).matches(branch), pattern + " ~ " + branch);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "refs/heads/main",
        "feature/[a-z]*",
        "fix?",
        "my branch",
        "a~1",
        "a^",
        "a:b",
        "a\\b",
        "feature/***",
        "/main",
        "main/",
        "feature//x",
        "a..b",
        "a@{1}",
        ".hidden",
        "feature/.x",
        "main.lock",
        "main.",
        "@"
      })
  void problems_namesAPatternNoBranchCanHaveOrThatIsNoGlob(String pattern) {
    List<FieldError> problems = mapping(BranchRule.pipeline(pattern)).problems();
    assertEquals(1, problems.size(), pattern + " " + problems);
    assertEquals("rules[0].pattern", problems.get(0).field());
    assertFalse(BranchRule.pipeline(pattern).matches(pattern), "a refused pattern matches nothing");
  }

  @Test
  void problems_refusesAPatternThatAlreadyHasARule() {
    List<FieldError> problems =
        mapping(BranchRule.pipeline("main"), BranchRule.ephemeral("main", Duration.ofDays(1)))
            .problems();
    assertEquals(
        List.of(new FieldError("rules[1].pattern", "'main' already has a rule above")), problems);
  }

  @Test
  void problems_refusesARuleBelowTheCatchAll_thatCouldNeverApply() {
    List<FieldError> problems =
        mapping(BranchRule.ephemeral("**", Duration.ofDays(1)), BranchRule.pipeline("main"))
            .problems();
    assertEquals(1, problems.size());
    assertEquals("rules[1].pattern", problems.get(0).field());
  }

  @Test
  void problems_refusesATtlOverThirtyDays_orNotPositive() {
    assertEquals(List.of(), mapping(BranchRule.ephemeral("f/*", Duration.ofDays(30))).problems());
    assertEquals(
        List.of(new FieldError("rules[0].ttl", "must be at most 30 days")),
        mapping(BranchRule.ephemeral("f/*", Duration.ofDays(30).plusSeconds(1))).problems());
    assertEquals(
        List.of(new FieldError("rules[0].ttl", "must be a positive duration")),
        mapping(BranchRule.ephemeral("f/*", Duration.ZERO)).problems());
    assertEquals(
        List.of(new FieldError("rules[0].ttl", "must be a positive duration")),
        mapping(BranchRule.ephemeral("f/*", Duration.ofHours(-1))).problems());
  }

  @Test
  void problems_refusesAMappingWithoutRules() {
    assertEquals(
        List.of(new FieldError("rules", "must have at least one branch rule")),
        mapping().problems());
  }

  @Test
  void problems_refusesTooManyRules() {
    BranchRule[] rules = new BranchRule[RepositoryMapping.MAX_RULES + 1];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = BranchRule.pipeline("b" + i);
    }
    assertEquals(
        List.of(new FieldError("rules", "must have at most 20 branch rules")),
        mapping(rules).problems());
  }

  @Test
  void problems_refusesARuleWithoutAnActionOrVersionSource() {
    List<FieldError> problems =
        mapping(new BranchRule("main", null), new BranchRule("dev", new Pipeline(null))).problems();
    assertEquals(
        List.of("rules[0]", "rules[1].versionFrom"),
        problems.stream().map(FieldError::field).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "my repo", "repo.git", "répertoire"})
  void problems_refusesWhatIsNoCodeCommitRepositoryName(String repository) {
    List<FieldError> problems =
        new RepositoryMapping("payments", repository, List.of(BranchRule.pipeline("main")))
            .problems();
    assertEquals(List.of("repository"), problems.stream().map(FieldError::field).toList());
  }

  @Test
  void problems_refusesAnInvalidAppName_andListsEveryProblemAtOnce() {
    List<FieldError> problems =
        new RepositoryMapping(
                "Payments",
                "",
                List.of(
                    BranchRule.pipeline("main"),
                    BranchRule.pipeline("main"),
                    BranchRule.ephemeral("x y", Duration.ofDays(99))))
            .problems();
    assertEquals(
        List.of("app", "repository", "rules[1].pattern", "rules[2].pattern", "rules[2].ttl"),
        problems.stream().map(FieldError::field).toList());
  }

  @Test
  void ruleFor_isTheFirstMatchingRule() {
    RepositoryMapping mapping =
        mapping(
            BranchRule.pipeline("main"),
            BranchRule.ephemeral("feature/*", Duration.ofDays(3)),
            BranchRule.ephemeral("**", Duration.ofHours(8)));
    assertInstanceOf(Pipeline.class, mapping.ruleFor("main").orElseThrow().action());
    assertEquals(
        new Ephemeral(Duration.ofDays(3)), mapping.ruleFor("feature/login").orElseThrow().action());
    assertEquals(
        new Ephemeral(Duration.ofHours(8)),
        mapping.ruleFor("feature/ui/login").orElseThrow().action());
    assertTrue(mapping(BranchRule.pipeline("main")).ruleFor("develop").isEmpty());
  }

  @Test
  void versionFrom_isTheCommitOrItsFirstSevenCharacters() {
    String commit = "3e5983aa1f1b2c3d4e5f60718293a4b5c6d7e8f9";
    assertEquals(commit, VersionFrom.COMMIT.version(commit));
    assertEquals("3e5983a", VersionFrom.SHORT_COMMIT.version(commit));
    assertEquals("3e59", VersionFrom.SHORT_COMMIT.version("3e59"));
  }

  private static final String COMMIT = "3e5983aa1f1b2c3d4e5f60718293a4b5c6d7e8f9";

  @Test
  void
      releaseOf_aPush_isTheCommitInItsRepository_withTheDigestOfTheCommit_whenTheMappingNamesNoArtifact() {
    ReleaseSpec release =
        mapping(BranchRule.pipeline("main")).releaseOf(COMMIT, "3e5983a", "eu-west-1");
    assertEquals(
        new ReleaseSpec(
            "3e5983a",
            "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/payments-service#" + COMMIT,
            "sha256:" + Secrets.hash("codecommit:payments-service@" + COMMIT),
            java.util.Optional.of(COMMIT)),
        release);
    assertEquals(
        java.util.Optional.empty(), RegistryService.artifactUriProblem(release.artifactUri()));
    assertTrue(RegistryService.isDigest(release.digest()));
  }

  @Test
  void releaseOf_fillsTheArtifactUriTemplate_andTheDigestStaysTheCommits() {
    RepositoryMapping mapping =
        new RepositoryMapping(
            "payments",
            "payments-service",
            List.of(BranchRule.pipeline("main")),
            java.util.Optional.of(
                "s3://builds/{repository}/{region}/{shortCommit}/{version}-{commit}.zip"));
    assertEquals(List.of(), mapping.problems());
    ReleaseSpec release = mapping.releaseOf(COMMIT, "v7", "us-east-2");
    assertEquals(
        "s3://builds/payments-service/us-east-2/3e5983a/v7-" + COMMIT + ".zip",
        release.artifactUri());
    assertEquals(RepositoryMapping.commitDigest("payments-service", COMMIT), release.digest());
    assertNotEquals(
        RepositoryMapping.commitDigest("payments-service", COMMIT),
        RepositoryMapping.commitDigest("other-service", COMMIT),
        "the repository is part of what the digest names");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3://builds/{repository}/app.zip",
        "s3://builds/{branch}/{commit}.zip",
        "ftp://builds/{commit}",
        "s3://builds/{commit",
        "builds/{commit}.zip",
        "s3://{commit} with spaces"
      })
  void
      problems_refusesAnArtifactUriTemplate_withoutTheCommit_withUnknownPlaceholders_orThatIsNoArtifactUri(
          String template) {
    List<FieldError> problems =
        new RepositoryMapping(
                "payments",
                "payments-service",
                List.of(BranchRule.pipeline("main")),
                java.util.Optional.of(template))
            .problems();
    assertEquals(
        List.of("artifactUri"),
        problems.stream().map(FieldError::field).toList(),
        template + " " + problems);
  }
}
