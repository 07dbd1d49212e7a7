package io.stagecoach.domain.registry;

import io.stagecoach.domain.common.FieldError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which CodeCommit repository an app is built from, and what a push to each of its branches does.
 * Rules are tried in order; the first whose pattern matches the branch decides, and a branch no
 * rule matches is left alone.
 *
 * <p>{@code artifactUri} says where the build of a pushed commit is found, as a template with
 * placeholders ({@code s3://artifacts/{repository}/{commit}.zip}); without one, the release of a
 * push is the commit itself, named by the repository's HTTPS clone URL ({@link #SOURCE_ARTIFACT}).
 * A push carries no bytes, so the digest of such a release identifies the commit, not an artifact's
 * content ({@link #commitDigest}; docs/decisions.md).
 */
public record RepositoryMapping(
    String app, String repository, List<BranchRule> rules, Optional<String> artifactUri) {

  public static final int MAX_RULES = 20;

  /** The longest an ephemeral environment lives past a push, the registry's own limit. */
  public static final Duration MAX_TTL = RegistryService.MAX_EPHEMERAL_LIFETIME;

  // CodeCommit: 1-100 letters, digits, '.', '_', '-'; case-sensitive; cannot end in .git.
  // https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /**
   * The release of a push when the mapping names no artifact: the commit, in the repository
   * CodeCommit serves.
   */
  public static final String SOURCE_ARTIFACT =
      "https://git-codecommit.{region}.amazonaws.com/v1/repos/{repository}#{commit}";

  /** What an artifact URI template may refer to. */
  public static final Set<String> PLACEHOLDERS =
      Set.of("repository", "commit", "shortCommit", "version", "region");

  public static final int MAX_ARTIFACT_URI = 1024;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

  public RepositoryMapping {
    rules = List.copyOf(rules);
  }

  /** A mapping whose releases are the pushed commits themselves. */
  public RepositoryMapping(String app, String repository, List<BranchRule> rules) {
    this(app, repository, rules, Optional.empty());
  }

  /**
   * The release a push of {@code commit} registers as {@code version}: its artifact URI from the
   * template (or {@link #SOURCE_ARTIFACT}) in {@code region}, the repository's region, and the
   * digest of the commit.
   */
  public ReleaseSpec releaseOf(String commit, String version, String region) {
    String uri = render(artifactUri.orElse(SOURCE_ARTIFACT), repository, commit, version, region);
    return new ReleaseSpec(version, uri, commitDigest(repository, commit), Optional.of(commit));
  }

  /**
   * {@code sha256:} and the SHA-256 of {@code codecommit:{repository}@{commit}}: stable for a
   * commit, so every stage receives the same digest and a repeated push registers the same release;
   * it vouches for no bytes.
   */
  public static String commitDigest(String repository, String commit) {
    return "sha256:" + Secrets.hash("codecommit:" + repository + "@" + commit);
  }

  private static String render(
      String template, String repository, String commit, String version, String region) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value =
          switch (m.group(1)) {
            case "repository" -> repository;
            case "commit" -> commit;
            case "shortCommit" -> BranchRule.VersionFrom.SHORT_COMMIT.version(commit);
            case "version" -> version;
            case "region" -> region;
            default -> m.group();
          };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The first rule that matches {@code branch}, if any. */
  public Optional<BranchRule> ruleFor(String branch) {
    return rules.stream().filter(r -> r.matches(branch)).findFirst();
  }

  /** Everything that is wrong with this mapping, each tied to its field; empty when it is valid. */
  public List<FieldError> problems() {
    List<FieldError> errors = new ArrayList<>();
    Naming.appNameProblem(app).ifPresent(p -> errors.add(new FieldError("app", p)));
    if (repository == null || repository.isEmpty()) {
      errors.add(new FieldError("repository", "is required"));
    } else if (!REPOSITORY.matcher(repository).matches() || repository.endsWith(".git")) {
      errors.add(
          new FieldError(
              "repository",
              "must be a CodeCommit repository name: 1-100 letters, digits, '.', '_' and '-', not ending in .git"));
    }
    if (rules.isEmpty()) {
      errors.add(new FieldError("rules", "must have at least one branch rule"));
    } else if (rules.size() > MAX_RULES) {
      errors.add(new FieldError("rules", "must have at most " + MAX_RULES + " branch rules"));
    }
    Set<String> seen = new HashSet<>();
    boolean afterCatchAll = false;
    for (int i = 0; i < rules.size(); i++) {
      BranchRule rule = rules.get(i);
      String field = "rules[" + i + "]";
      Optional<String> patternProblem = BranchRule.patternProblem(rule.pattern());
      patternProblem.ifPresent(p -> errors.add(new FieldError(field + ".pattern", p)));
      if (patternProblem.isEmpty() && !seen.add(rule.pattern())) {
        errors.add(
            new FieldError(
                field + ".pattern", "'" + rule.pattern() + "' already has a rule above"));
      } else if (patternProblem.isEmpty() && afterCatchAll) {
        errors.add(
            new FieldError(
                field + ".pattern", "can never apply: a rule above matches every branch ('**')"));
      }
      afterCatchAll |= "**".equals(rule.pattern());
      if (rule.action() == null) {
        errors.add(new FieldError(field, "must say what a push does: pipeline or ephemeral"));
      } else if (rule.action().versionFrom() == null) {
        errors.add(new FieldError(field + ".versionFrom", "must be commit or shortCommit"));
      }
      if (rule.action() instanceof BranchRule.Ephemeral e) {
        if (e.ttl() == null || e.ttl().isNegative() || e.ttl().isZero()) {
          errors.add(new FieldError(field + ".ttl", "must be a positive duration"));
        } else if (e.ttl().compareTo(MAX_TTL) > 0) {
          errors.add(
              new FieldError(field + ".ttl", "must be at most " + MAX_TTL.toDays() + " days"));
        }
      }
    }
    artifactUri.ifPresent(
        template ->
            artifactUriProblem(template)
                .ifPresent(p -> errors.add(new FieldError("artifactUri", p))));
    return errors;
  }

  private static Optional<String> artifactUriProblem(String template) {
    if (template.length() > MAX_ARTIFACT_URI) {
      return Optional.of("must be at most " + MAX_ARTIFACT_URI + " characters");
    }
    Set<String> used = new HashSet<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!PLACEHOLDERS.contains(m.group(1))) {
        return Optional.of(
            "{"
                + m.group(1)
                + "} is not a placeholder; use {repository}, {commit}, {shortCommit},"
                + " {version} or {region}");
      }
      used.add(m.group(1));
    }
    if (!used.contains("commit") && !used.contains("shortCommit") && !used.contains("version")) {
      return Optional.of(
          "must contain {commit}, {shortCommit} or {version}: each release has an artifact of its own");
    }
    return RegistryService.artifactUriProblem(
        render(template, "repository", "0".repeat(40), "0000000", "us-east-1"));
  }
}
