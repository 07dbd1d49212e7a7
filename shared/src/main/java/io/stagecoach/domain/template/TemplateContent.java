package io.stagecoach.domain.template;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The content a template revision pins: an inline body as compact JSON, or the text of the object
 * at the template's URL, read once through a {@link TemplateSource}, with the object's version.
 */
public record TemplateContent(String body, Optional<String> url, Optional<String> version) {

  /** The content of {@code template}, or why it cannot be pinned (a field error). */
  public static Outcome<TemplateContent> of(EnvironmentTemplate template, TemplateSource source) {
    if (template.body().isPresent()) {
      Optional<String> problem = TemplateBody.problem(template.body().get());
      if (problem.isPresent()) {
        return Outcome.rejected(Rejection.invalid("template.body", problem.get()));
      }
      return Outcome.accepted(
          new TemplateContent(
              TemplateBody.compact(template.body().get()), Optional.empty(), Optional.empty()));
    }
    String url = template.url().orElseThrow();
    return switch (source.read(url)) {
      case TemplateSource.Read.Unreadable u ->
          Outcome.rejected(Rejection.invalid("template.url", u.reason()));
      case TemplateSource.Read.Found f -> read(url, f);
    };
  }

  private static Outcome<TemplateContent> read(String url, TemplateSource.Read.Found found) {
    String body = found.body();
    String where = "the object at " + url;
    if (body.isBlank()) {
      return Outcome.rejected(Rejection.invalid("template.url", where + " is empty"));
    }
    // JSON is checked here as inline bodies are; YAML is CloudFormation's to judge.
    if (body.stripLeading().startsWith("{")) {
      Optional<String> problem = TemplateBody.problem(body);
      if (problem.isPresent()) {
        return Outcome.rejected(Rejection.invalid("template.url", where + " " + problem.get()));
      }
    }
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > TemplateRevision.MAX_BODY_BYTES) {
      return Outcome.rejected(
          Rejection.invalid(
              "template.url",
              where
                  + " has "
                  + bytes
                  + " bytes; Stagecoach pins templates of at most "
                  + TemplateRevision.MAX_BODY_BYTES));
    }
    if (bytes > EnvironmentTemplate.MAX_BODY_BYTES && found.version().isEmpty()) {
      return Outcome.rejected(
          Rejection.invalid(
              "template.url",
              where
                  + " has "
                  + bytes
                  + " bytes, more than CloudFormation takes inline ("
                  + EnvironmentTemplate.MAX_BODY_BYTES
                  + "): such a template is pinned by its S3 object version, so its bucket must"
                  + " keep versions (turn on versioning and give the url again)"));
    }
    return Outcome.accepted(new TemplateContent(body, Optional.of(url), found.version()));
  }
}
