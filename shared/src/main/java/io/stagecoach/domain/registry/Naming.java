package io.stagecoach.domain.registry;

import io.stagecoach.domain.common.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The naming rules of apps, environments and the AWS resources made for them.
 *
 * <p>App and environment names are lowercase letters and digits, with {@code -} inside, and start
 * with a letter: they become parts of stack, table and function names, which is why they are this
 * narrow.
 */
public final class Naming {

  public static final int APP_NAME_MAX = Identifier.APP_NAME.maxLength();
  public static final int ENVIRONMENT_NAME_MAX = Identifier.ENVIRONMENT_NAME.maxLength();

  /** Length of the stable hash that ends a truncated name. */
  static final int HASH_LENGTH = 8;

  private Naming() {}

  public static Optional<String> appNameProblem(String name) {
    return Identifier.APP_NAME.problem(name);
  }

  public static Optional<String> environmentNameProblem(String name) {
    return Identifier.ENVIRONMENT_NAME.problem(name);
  }

  /** What is wrong with {@code id} as an approval id, if anything. */
  public static Optional<String> approvalIdProblem(String id) {
    return Identifier.APPROVAL_ID.problem(id);
  }

  /**
   * The physical name of a resource made for an environment: {@code {app}-{env}-{resource}}. When
   * that is longer than the AWS service allows ({@code limit}), the name is cut and ends with
   * {@code -} and a stable hash of the full name, so two long names that share a prefix stay
   * distinct.
   */
  public static String resourceName(String app, String environment, String resource, int limit) {
    String full = app + "-" + environment + "-" + resource;
    return fit(full, limit);
  }

  /**
   * {@code name} itself when it fits in {@code limit}, else its head, {@code -} and a stable hash.
   */
  public static String fit(String name, int limit) {
    if (limit < HASH_LENGTH + 2) {
      throw new IllegalArgumentException("limit " + limit + " leaves no room for a name");
    }
    if (name.length() <= limit) {
      return name;
    }
    String head = name.substring(0, limit - HASH_LENGTH - 1);
    while (head.endsWith("-")) {
      head = head.substring(0, head.length() - 1);
    }
    return head + "-" + shortHash(name);
  }

  /**
   * The default personal environment name of a principal: its user part (after the last {@code /}
   * or {@code :}, before any {@code @}), lowercased, with every other character turned into {@code
   * -}, fitted to the environment name rules. {@code arn:aws:iam::1:user/Alice.Smith} gives {@code
   * alice-smith}.
   */
  public static String personalEnvironmentName(String principal) {
    String user = principal == null ? "" : principal;
    int cut = Math.max(user.lastIndexOf('/'), user.lastIndexOf(':'));
    user = user.substring(cut + 1);
    int at = user.indexOf('@');
    if (at >= 0) {
      user = user.substring(0, at);
    }
    String normalised = normaliseEnvironmentName(user);
    if (normalised.isEmpty()) {
      normalised = "user-" + shortHash(principal == null ? "" : principal).substring(0, 6);
    }
    return fitEnvironmentName(normalised, normalised);
  }

  /**
   * A personal environment name someone chose ({@code Alice.Smith}), normalised by the rule of
   * {@link #personalEnvironmentName} ({@code alice-smith}); empty when nothing of it is left to
   * name an environment by ({@code "!!"}, {@code "42"}).
   */
  public static Optional<String> chosenPersonalEnvironmentName(String chosen) {
    String normalised = normaliseEnvironmentName(chosen == null ? "" : chosen.strip());
    if (normalised.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(fitEnvironmentName(normalised, normalised));
  }

  /**
   * The name of the ephemeral environment a branch gets: the branch lowercased, every other
   * character turned into {@code -}, fitted to the environment name rules. {@code feature/Login}
   * gives {@code feature-login}; a long name keeps its head and ends with a hash of the whole
   * branch name, so two long branches that share a prefix get two environments. Branches that
   * differ only in case or punctuation share a short name.
   */
  public static String branchEnvironmentName(String branch) {
    String source = branch == null ? "" : branch;
    String normalised = normaliseEnvironmentName(source);
    if (normalised.isEmpty()) {
      return "branch-" + shortHash(source).substring(0, 6);
    }
    return fitEnvironmentName(normalised, source);
  }

  private static String normaliseEnvironmentName(String text) {
    return text.toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9]+", "-")
        .replaceAll("^[^a-z]+", "")
        .replaceAll("-+$", "");
  }

  /**
   * {@code normalised} when it fits an environment name, else its head and a hash of {@code
   * hashed}.
   */
  private static String fitEnvironmentName(String normalised, String hashed) {
    if (normalised.length() <= ENVIRONMENT_NAME_MAX) {
      return normalised;
    }
    // Environment names are short, so they keep a shorter hash than resource names.
    String head = normalised.substring(0, ENVIRONMENT_NAME_MAX - 6).replaceAll("-+$", "");
    return head + "-" + shortHash(hashed).substring(0, 5);
  }

  static String shortHash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest).substring(0, HASH_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
