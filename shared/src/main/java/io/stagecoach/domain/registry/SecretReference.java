package io.stagecoach.domain.registry;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a secret lives, never its value: a Secrets Manager secret or an SSM SecureString parameter,
 * by ARN (or {@code ssm:/path} for a parameter in the environment's own account and region). A
 * reference names a secret of the environment's own account and region: the environment's deploy
 * role is the one that reads it, and it reaches no other account.
 */
public record SecretReference(String reference) {

  /** The region and account fields of an ARN: {@code arn:partition:service:region:account:...}. */
  private static final Pattern ARN_PLACE =
      Pattern.compile("arn:aws[a-z-]*:(?:secretsmanager|ssm):([a-z0-9-]+):(\\d{12}):.*");

  private static final Pattern SECRETS_MANAGER =
      Pattern.compile(
          "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern SSM_ARN =
      Pattern.compile("arn:aws[a-z-]*:ssm:[a-z0-9-]+:\\d{12}:parameter/[A-Za-z0-9/_.-]{1,1011}");
  private static final Pattern SSM_PATH = Pattern.compile("ssm:/[A-Za-z0-9/_.-]{1,1011}");

  public static Optional<String> problem(String reference) {
    if (reference == null || reference.isEmpty()) {
      return Optional.of("is required");
    }
    if (SECRETS_MANAGER.matcher(reference).matches()
        || SSM_ARN.matcher(reference).matches()
        || SSM_PATH.matcher(reference).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        "must be a reference to a secret (a Secrets Manager secret ARN, an SSM parameter ARN or"
            + " ssm:/path), never the secret itself");
  }

  /** Whether this names a Secrets Manager secret (which may rotate), not an SSM parameter. */
  public boolean isSecretsManagerSecret() {
    return SECRETS_MANAGER.matcher(reference).matches();
  }

  /**
   * Why this reference cannot belong to an environment in {@code account} and {@code region}: an
   * ARN of another account or region. {@code ssm:/path} is the environment's own by definition.
   */
  public Optional<String> problemFor(String account, String region) {
    Matcher place = ARN_PLACE.matcher(reference);
    if (!place.matches()) {
      return Optional.empty();
    }
    if (account != null && !place.group(2).equals(account)) {
      return Optional.of(
          "is in account "
              + place.group(2)
              + ", not the environment's account "
              + account
              + ": a secret is referenced from the environment's own account");
    }
    if (region != null && !place.group(1).equals(region)) {
      return Optional.of(
          "is in region "
              + place.group(1)
              + ", not the environment's region "
              + region
              + ": a secret is referenced from the environment's own region");
    }
    return Optional.empty();
  }
}
