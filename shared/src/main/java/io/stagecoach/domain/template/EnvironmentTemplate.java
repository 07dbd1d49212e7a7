package io.stagecoach.domain.template;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The CloudFormation template an app's environments are made from: inline JSON ({@code body}) or an
 * S3 location ({@code url}: {@code s3://bucket/key} or an {@code https://} S3 URL), exactly one of
 * them. Every environment of the app becomes one stack, {@code {app}-{env}}, from this template.
 */
public record EnvironmentTemplate(Optional<String> body, Optional<String> url) {

  /** CloudFormation's limit for a template passed inline (TemplateBody). */
  public static final int MAX_BODY_BYTES = 51_200;

  public static EnvironmentTemplate inline(String body) {
    return new EnvironmentTemplate(Optional.of(body), Optional.empty());
  }

  public static EnvironmentTemplate at(String url) {
    return new EnvironmentTemplate(Optional.empty(), Optional.of(url));
  }

  /**
   * What is wrong with this template reference, if anything (past its shape, {@link
   * #bodyProblem()}, the body's content is the provisioner's to judge).
   */
  public Optional<String> problem() {
    if (body.isPresent() == url.isPresent()) {
      return Optional.of(
          "give exactly one of body (an inline CloudFormation template) and url (its S3 location)");
    }
    if (body.isPresent()) {
      int bytes = body.get().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_BODY_BYTES) {
        return Optional.of(
            "an inline template must be at most "
                + MAX_BODY_BYTES
                + " bytes (it has "
                + bytes
                + "); put larger ones in S3 and give their url");
      }
      if (body.get().isBlank()) {
        return Optional.of("body must not be empty");
      }
      return Optional.empty();
    }
    return urlProblem(url.get());
  }

  /**
   * What is wrong with the inline body as a template, if anything: it must be a JSON object with a
   * {@code Resources} object naming at least one resource.
   */
  public Optional<String> bodyProblem() {
    return body.flatMap(TemplateBody::problem);
  }

  private static Optional<String> urlProblem(String url) {
    try {
      URI uri = new URI(url);
      boolean s3 =
          "s3".equals(uri.getScheme())
              && uri.getHost() != null
              && uri.getPath() != null
              && uri.getPath().length() > 1;
      boolean https =
          "https".equals(uri.getScheme())
              && uri.getHost() != null
              && uri.getHost().contains(".s3")
              && uri.getHost().endsWith(".amazonaws.com");
      return s3 || https
          ? Optional.empty()
          : Optional.of("url must be s3://bucket/key or an https:// Amazon S3 URL");
    } catch (URISyntaxException e) {
      return Optional.of("url must be a URI");
    }
  }
}
