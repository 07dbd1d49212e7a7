package io.stagecoach.domain.common;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every kind of identifier a caller hands Stagecoach (names, versions, ids, keys, cursors) with its
 * length limit and the characters it may hold. These are the only limits: each surface checks its
 * input against them before anything reads the registry, and the API's OpenAPI document states the
 * same numbers.
 *
 * <p>Why the limits are this tight: identifiers become parts of DynamoDB keys, whose partition key
 * holds at most 2048 bytes and whose sort key at most 1024 (<a
 * href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys">DynamoDB
 * key limits</a>); a longer key is refused by DynamoDB as an error, not as "no such item". Every
 * character set here is ASCII, so a length in characters is also a length in bytes.
 */
public enum Identifier {

  /** An app: lowercase letters and digits, single {@code -} inside, starting with a letter. */
  APP_NAME(24, "[a-z](?:[a-z0-9-]*[a-z0-9])?", true, null),

  /** An environment: the same rule as an app, shorter. */
  ENVIRONMENT_NAME(16, "[a-z](?:[a-z0-9-]*[a-z0-9])?", true, null),

  /** A release version: semver and most CI build numbers. */
  RELEASE_VERSION(
      128,
      "[A-Za-z0-9][A-Za-z0-9._+-]*",
      false,
      "1-128 letters, digits and ._+- starting with a letter or digit"),

  /**
   * A template revision's number: 1, 2, ... (at most nine digits, so it is always a Java {@code
   * int}).
   */
  TEMPLATE_REVISION_NUMBER(9, "[1-9][0-9]*", false, "a template revision number: 1, 2, 3..."),

  /** A deployment's id ({@code d-...}). */
  DEPLOYMENT_ID(64, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /** A promotion's id ({@code pr-...}). */
  PROMOTION_ID(64, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /**
   * An approval's id ({@code {app}:...}). Approval ids travel in chat commands and Slack button
   * values, so they hold no character Slack or a shell treats specially.
   */
  APPROVAL_ID(128, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /** A break-glass request's id ({@code bg-...}). */
  BREAK_GLASS_ID(64, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /** An API token's id (not its secret). */
  TOKEN_ID(64, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /** An {@code Idempotency-Key}: what clients commonly send (UUIDs, ULIDs, CI job ids). */
  IDEMPOTENCY_KEY(128, "[A-Za-z0-9][A-Za-z0-9._:-]*", false, null),

  /** A principal: IAM ARNs, e-mail addresses, plain user names. */
  PRINCIPAL_NAME(
      128,
      "[A-Za-z0-9][A-Za-z0-9._@+=,:/-]*",
      false,
      "1-128 letters, digits and ._@+=,:/- starting with a letter or digit"),

  /** A group a principal belongs to, as approval policies name them. */
  GROUP_NAME(
      32, "[a-z][a-z0-9-]*", false, "1-32 lowercase letters, digits and - starting with a letter"),

  /**
   * A page cursor, as a listing issued it ({@code next}): base64url text. Every cursor a listing
   * issues is far shorter; the limit keeps what a cursor decodes to inside DynamoDB's key limits.
   */
  PAGE_CURSOR(1024, "[A-Za-z0-9_-]+", false, "a cursor from the previous page (base64url, 1-1024)"),

  /** A Slack workspace ({@code T...}) or Enterprise Grid organisation ({@code E...}). */
  SLACK_TEAM_ID(32, "[TE][A-Z0-9]{2,31}", false, "a Slack workspace id such as T0123ABCD"),

  /** A Slack member ({@code U...}, or {@code W...} in Enterprise Grid). */
  SLACK_USER_ID(32, "[UW][A-Z0-9]{2,31}", false, "a Slack member id such as U0123ABCD"),

  /** A public ({@code C...}) or private ({@code G...}) Slack channel. */
  SLACK_CHANNEL_ID(32, "[CG][A-Z0-9]{2,31}", false, "a Slack channel id such as C0123ABCD");

  private static final String OPAQUE_ID =
      "letters, digits and ._:- starting with a letter or digit";

  private final int maxLength;
  private final String characters;
  private final boolean singleDashes;
  private final Pattern pattern;
  private final String rule;

  Identifier(int maxLength, String characters, boolean singleDashes, String rule) {
    this.maxLength = maxLength;
    this.characters = characters;
    this.singleDashes = singleDashes;
    this.pattern = Pattern.compile(characters);
    this.rule =
        rule != null
            ? rule
            : singleDashes
                ? "lowercase letters, digits and '-', start with a letter and not end with '-'"
                : "1-" + maxLength + " " + OPAQUE_ID;
  }

  /** The most characters (and, all being ASCII, bytes) an identifier of this kind may have. */
  public int maxLength() {
    return maxLength;
  }

  /**
   * The whole rule as one regular expression, anchored, in the dialect JSON Schema's {@code
   * pattern} uses (ECMA-262), which Java reads the same way. The length is stated apart, as {@code
   * maxLength}.
   */
  public String regex() {
    return "^" + (singleDashes ? "(?!.*--)" : "") + characters + "$";
  }

  /** Whether {@code value} is an identifier of this kind. */
  public boolean accepts(String value) {
    return problem(value).isEmpty();
  }

  /**
   * What is wrong with {@code value} as an identifier of this kind, worded to follow a field name
   * ("is required", "must be at most 24 characters"), or empty when nothing is.
   */
  public Optional<String> problem(String value) {
    if (value == null || value.isEmpty()) {
      return Optional.of("is required");
    }
    if (value.length() > maxLength) {
      return Optional.of("must be at most " + maxLength + " characters");
    }
    if (!pattern.matcher(value).matches()) {
      return Optional.of("must be " + rule);
    }
    if (singleDashes && value.contains("--")) {
      return Optional.of("must not contain '--'");
    }
    return Optional.empty();
  }
}
