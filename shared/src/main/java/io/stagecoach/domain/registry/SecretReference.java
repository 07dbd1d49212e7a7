package io.stagecoach.domain.registry;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a secret lives, never its value: a Secrets Manager secret or an SSM SecureString parameter,
 * by ARN (or {@code ssm:/path} for a parameter in the environment's own account and region).
 */
public record SecretReference(String reference) {

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
}
