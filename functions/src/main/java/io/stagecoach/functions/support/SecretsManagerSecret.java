package io.stagecoach.functions.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * One secret's current value from Secrets Manager, read when first needed and kept for {@code ttl}
 * in this function instance: a value the operator rotates reaches every instance within that time,
 * and a busy function does not call Secrets Manager per request. The value is never logged nor part
 * of a message.
 *
 * <p>Not read at construction: under SnapStart the constructor runs once, at publish time, and the
 * secret must neither sit in the snapshot nor be required before the operator has set it.
 */
public final class SecretsManagerSecret implements Supplier<String> {

  /**
   * A secret could not be read: a technical error (missing permission, no value set, service down).
   */
  public static class SecretUnavailable extends RuntimeException {
    SecretUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The secret has no value yet (the operator has not set it): not a fault to retry, but a
   * configuration the caller can refuse requests on.
   */
  public static final class SecretNotSet extends SecretUnavailable {
    SecretNotSet(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private record Cached(String value, Instant until) {}

  private final SecretsManagerClient client;
  private final String secretId;
  private final Duration ttl;
  private final Clock clock;
  private volatile Cached cached;

  /** {@code secretId}: the secret's name or ARN, as the function's settings give it. */
  public SecretsManagerSecret(
      SecretsManagerClient client, String secretId, Duration ttl, Clock clock) {
    this.client = client;
    this.secretId = secretId;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public String get() {
    Instant now = clock.instant();
    Cached c = cached;
    if (c != null && now.isBefore(c.until())) {
      return c.value();
    }
    String value;
    try {
      value = client.getSecretValue(r -> r.secretId(secretId)).secretString();
    } catch (ResourceNotFoundException e) {
      throw new SecretNotSet("secret " + secretId + " is not set", e);
    } catch (SdkException e) {
      // The SDK's message names the secret and the reason, never the value.
      throw new SecretUnavailable(
          "secret " + secretId + " could not be read: " + e.getClass().getSimpleName(), e);
    }
    if (value == null || value.isBlank()) {
      throw new SecretNotSet("secret " + secretId + " has no text value", null);
    }
    cached = new Cached(value.strip(), now.plus(ttl));
    return value.strip();
  }
}
