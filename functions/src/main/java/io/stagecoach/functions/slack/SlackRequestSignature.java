package io.stagecoach.functions.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's v0 request signature: proof that a request came from Slack and was sent recently.
 *
 * <p>Slack signs {@code "v0:" + timestamp + ":" + body} with the app's signing secret (HMAC-SHA256,
 * lowercase hex, prefixed {@code v0=}) and sends the result in {@code X-Slack-Signature}, the
 * timestamp in {@code X-Slack-Request-Timestamp}. A request more than five minutes away from {@code
 * now}, in either direction, is refused so a captured request cannot be replayed later. See
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
public final class SlackRequestSignature {

  /** How far a request's timestamp may be from now, either way. */
  public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

  private static final String VERSION = "v0";
  private static final String ALGORITHM = "HmacSHA256";
  // Slack sends whole epoch seconds; 12 digits reach the year 33658, and keep the arithmetic far
  // from overflow.
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,12}");

  private final SecretKeySpec key;

  /** {@code signingSecret}: the app's "Signing Secret", used as its UTF-8 bytes (not decoded). */
  public SlackRequestSignature(String signingSecret) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("a Slack signing secret is required");
    }
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** Why a request was accepted or refused. */
  public enum Verdict {
    AUTHENTIC,
    /** {@code X-Slack-Request-Timestamp} or {@code X-Slack-Signature} is absent or empty. */
    MISSING_HEADER,
    /** The timestamp is not whole epoch seconds. */
    MALFORMED_TIMESTAMP,
    /** The timestamp is more than {@link #REPLAY_WINDOW} away from now. */
    STALE,
    /** The signature is not the one the secret gives for this timestamp and body. */
    BAD_SIGNATURE;

    public boolean isAuthentic() {
      return this == AUTHENTIC;
    }
  }

  /**
   * Checks a request. {@code timestamp} and {@code signature} are the header values as received,
   * {@code null} when absent; {@code rawBody} is the body exactly as received, before any decoding.
   */
  public Verdict verify(String timestamp, String signature, String rawBody, Instant now) {
    if (timestamp == null || timestamp.isEmpty() || signature == null || signature.isEmpty()) {
      return Verdict.MISSING_HEADER;
    }
    if (!TIMESTAMP.matcher(timestamp).matches()) {
      return Verdict.MALFORMED_TIMESTAMP;
    }
    long age = now.getEpochSecond() - Long.parseLong(timestamp);
    if (Math.abs(age) > REPLAY_WINDOW.toSeconds()) {
      return Verdict.STALE;
    }
    byte[] expected =
        sign(timestamp, rawBody == null ? "" : rawBody).getBytes(StandardCharsets.UTF_8);
    // The header is compared as sent: Slack writes lowercase hex, so any other spelling is not its
    // signature.
    return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))
        ? Verdict.AUTHENTIC
        : Verdict.BAD_SIGNATURE;
  }

  /** The {@code X-Slack-Signature} value Slack would send for this timestamp and body. */
  public String sign(String timestamp, String rawBody) {
    String base = VERSION + ":" + timestamp + ":" + rawBody;
    return VERSION
        + "="
        + HexFormat.of().formatHex(mac().doFinal(base.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac mac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
