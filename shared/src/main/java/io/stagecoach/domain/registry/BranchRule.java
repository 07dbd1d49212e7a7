package io.stagecoach.domain.registry;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a push to the branches matching {@code pattern} does for an app. The pattern is a branch
 * name ({@code main}) or a glob: {@code *} stands for any characters but {@code /}, {@code **} for
 * any characters ({@code feature/*} matches {@code feature/login}, not {@code feature/ui/login};
 * {@code feature/**} both).
 */
public record BranchRule(String pattern, Action action) {

  public static final int MAX_PATTERN = 200;

  /** What a push to a matching branch triggers. */
  public sealed interface Action {

    /** How the release version is taken from the pushed commit. */
    VersionFrom versionFrom();
  }

  /** Register the pushed commit as a release and promote it into the app's first stage. */
  public record Pipeline(VersionFrom versionFrom) implements Action {

    public Pipeline() {
      this(VersionFrom.COMMIT);
    }
  }

  /**
   * Deploy the pushed commit into an environment of its own, named after the branch, that lives
   * {@code ttl} past the last push; deleting the branch destroys it.
   */
  public record Ephemeral(Duration ttl, VersionFrom versionFrom) implements Action {

    public Ephemeral(Duration ttl) {
      this(ttl, VersionFrom.COMMIT);
    }
  }

  /**
   * The release version of a commit: the full commit id, or its first seven characters as git shows
   * them.
   */
  public enum VersionFrom {
    COMMIT,
    SHORT_COMMIT;

    static final int SHORT_LENGTH = 7;

    public String version(String commitId) {
      return this == SHORT_COMMIT && commitId.length() > SHORT_LENGTH
          ? commitId.substring(0, SHORT_LENGTH)
          : commitId;
    }
  }

  // Characters git refuses in a ref name (git check-ref-format), other than the wildcard '*'.
  private static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x20\\x7f~^:?\\[\\\\]");

  public static BranchRule pipeline(String pattern) {
    return new BranchRule(pattern, new Pipeline());
  }

  public static BranchRule ephemeral(String pattern, Duration ttl) {
    return new BranchRule(pattern, new Ephemeral(ttl));
  }

  /**
   * Whether {@code branch} (a short name such as {@code feature/login}) matches this rule's
   * pattern.
   */
  public boolean matches(String branch) {
    return patternProblem(pattern).isEmpty() && regex(pattern).matcher(branch).matches();
  }

  /** What is wrong with {@code pattern} as a branch pattern, if anything. */
  public static Optional<String> patternProblem(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return Optional.of("is required");
    }
    if (pattern.length() > MAX_PATTERN) {
      return Optional.of("must be at most " + MAX_PATTERN + " characters");
    }
    if (pattern.startsWith("refs/")) {
      return Optional.of("is a branch name without refs/heads/, such as main or feature/*");
    }
    if (FORBIDDEN.matcher(pattern).find()) {
      return Optional.of(
          "must not contain spaces, control characters or any of ~^:?[\\ (only * and ** are wildcards)");
    }
    if (pattern.contains("***")) {
      return Optional.of("has '***': use * for one path segment or ** for any");
    }
    if (pattern.startsWith("/") || pattern.endsWith("/") || pattern.contains("//")) {
      return Optional.of("must not start or end with '/' or contain '//'");
    }
    if (pattern.contains("..")
        || pattern.contains("@{")
        || pattern.endsWith(".")
        || pattern.equals("@")) {
      return Optional.of(
          "can never match a branch: git refuses '..', '@{', a trailing '.' and '@' alone");
    }
    for (String part : pattern.split("/")) {
      if (part.startsWith(".") || part.endsWith(".lock")) {
        return Optional.of(
            "can never match a branch: git refuses a part that starts with '.' or ends with '.lock'");
      }
    }
    return Optional.empty();
  }

  private static Pattern regex(String glob) {
    StringBuilder regex = new StringBuilder();
    int literalStart = 0;
    for (int i = 0; i < glob.length(); i++) {
      if (glob.charAt(i) != '*') {
        continue;
      }
      regex.append(Pattern.quote(glob.substring(literalStart, i)));
      boolean any = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
      regex.append(any ? ".*" : "[^/]*");
      i += any ? 1 : 0;
      literalStart = i + 1;
    }
    regex.append(Pattern.quote(glob.substring(literalStart)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
