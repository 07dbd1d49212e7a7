package io.stagecoach.domain;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which CodeCommit repository an app is built from, and what a push to each of its branches does. Rules are
 * tried in order; the first whose pattern matches the branch decides, and a branch no rule matches is left
 * alone.
 */
public record RepositoryMapping(String app, String repository, List<BranchRule> rules) {

  public static final int MAX_RULES = 20;
  /** The longest an ephemeral environment lives past a push, the registry's own limit. */
  public static final Duration MAX_TTL = RegistryService.MAX_EPHEMERAL_LIFETIME;

  // CodeCommit: 1-100 letters, digits, '.', '_', '-'; case-sensitive; cannot end in .git.
  // https://docs.aws.amazon.com/codecommit/latest/userguide/limits.html
  private static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  public RepositoryMapping {
    rules = List.copyOf(rules);
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
      errors.add(new FieldError("repository",
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
        errors.add(new FieldError(field + ".pattern", "'" + rule.pattern() + "' already has a rule above"));
      } else if (patternProblem.isEmpty() && afterCatchAll) {
        errors.add(new FieldError(field + ".pattern", "can never apply: a rule above matches every branch ('**')"));
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
          errors.add(new FieldError(field + ".ttl", "must be at most " + MAX_TTL.toDays() + " days"));
        }
      }
    }
    return errors;
  }
}
