package io.stagecoach.functions.promotion;

import io.stagecoach.domain.pipeline.Verification;
import io.stagecoach.domain.promotion.PromotionService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The health check of a stage: GET the output's URL plus the path; 2xx passes; retried as the stage
 * says.
 */
public final class HttpVerifier implements PromotionService.Verifier {

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(3))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  @Override
  public Optional<String> failure(Verification v, Map<String, String> outputs) {
    String base = outputs.get(v.urlOutput());
    if (base == null || base.isBlank()) {
      return Optional.of("the stack has no output " + v.urlOutput() + " to check");
    }
    URI uri;
    try {
      uri = URI.create(base.replaceAll("/+$", "") + v.path());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        return Optional.of("output " + v.urlOutput() + " is not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      return Optional.of("output " + v.urlOutput() + " is not a URL");
    }
    String last = "";
    for (int attempt = 1; attempt <= v.attempts(); attempt++) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() / 100 == 2) {
          return Optional.empty();
        }
        last = "GET " + uri + " answered " + r.statusCode();
      } catch (java.io.IOException e) {
        last = "GET " + uri + " failed: " + e.getClass().getSimpleName();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while checking " + uri);
      }
      if (attempt < v.attempts()) {
        try {
          Thread.sleep(v.interval().toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.of("interrupted while checking " + uri);
        }
      }
    }
    return Optional.of(last + " (after " + v.attempts() + " attempts)");
  }
}
