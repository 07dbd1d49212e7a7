package io.stagecoach.domain.template;

import java.util.Optional;

/**
 * The port that reads a template an app names by URL ({@code s3://bucket/key} or an S3 {@code
 * https://} URL), once, when the app is registered or changed: the content is pinned then (a {@link
 * TemplateRevision}), so later changes of the object never reach a release. On AWS it reads S3 from
 * the buckets Stagecoach is allowed to; the local cloud reads its own folder.
 */
public interface TemplateSource {

  /** What reading a URL found. Technical errors (throttling, network) are thrown instead. */
  sealed interface Read {
    /** The object's content as text, and its S3 version id when the bucket keeps versions. */
    record Found(String body, Optional<String> version) implements Read {}

    /** No template can be read there (no such object, a bucket not allowed, not UTF-8...). */
    record Unreadable(String reason) implements Read {}
  }

  Read read(String url);

  /** Reads nothing: templates must be given inline. */
  TemplateSource NONE =
      url ->
          new Read.Unreadable(
              "this Stagecoach reads no templates from S3; give the template inline (body)");
}
