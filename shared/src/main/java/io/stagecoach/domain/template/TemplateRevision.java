package io.stagecoach.domain.template;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One immutable, numbered version of an app's environment template. Its {@code body} is the
 * template's content, pinned when the app was given it: an inline body as compact JSON, a template
 * at an S3 URL as the bytes read then ({@code sourceUrl}, and {@code sourceVersion} when the bucket
 * keeps versions), never read again. {@code digest} is the SHA-256 of the body. A release binds to
 * one revision when it is registered, and every deployment of the release uses it.
 */
public record TemplateRevision(
    String app,
    int number,
    String body,
    String digest,
    Optional<String> sourceUrl,
    Optional<String> sourceVersion,
    Instant createdAt,
    String createdBy) {

  /**
   * The largest template Stagecoach pins (its content is kept in the registry table, whose items
   * hold at most 400 KB). CloudFormation's own limit for a template in S3 is 1 MB.
   */
  public static final int MAX_BODY_BYTES = 350_000;

  /** A revision's number and digest: what an app records of the revision its template is at. */
  public record Ref(int number, String digest) {}

  public static TemplateRevision of(
      String app,
      int number,
      String body,
      Optional<String> sourceUrl,
      Optional<String> sourceVersion,
      Instant at,
      String by) {
    return new TemplateRevision(
        app, number, body, digestOf(body), sourceUrl, sourceVersion, at, by);
  }

  /** {@code sha256:} and the 64 hex digits of the SHA-256 of the body's UTF-8 bytes. */
  public static String digestOf(String body) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  public Ref ref() {
    return new Ref(number, digest);
  }

  public int sizeBytes() {
    return body.getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The template a provisioner makes the environment from: the pinned body; one past
   * CloudFormation's limit for inline templates ({@link EnvironmentTemplate#MAX_BODY_BYTES}) as the
   * S3 object version it was read from, which never changes (only such revisions are pinned from a
   * versioned bucket).
   */
  public EnvironmentTemplate template() {
    if (sizeBytes() <= EnvironmentTemplate.MAX_BODY_BYTES
        || sourceUrl.isEmpty()
        || sourceVersion.isEmpty()) {
      return EnvironmentTemplate.inline(body);
    }
    String url = sourceUrl.get();
    return EnvironmentTemplate.at(
        url + (url.contains("?") ? "&" : "?") + "versionId=" + sourceVersion.get());
  }

  /** How the API names where the content came from: {@code inline} or its URL. */
  public String source() {
    return sourceUrl.orElse("inline");
  }
}
