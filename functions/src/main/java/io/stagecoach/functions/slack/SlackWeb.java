package io.stagecoach.functions.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.functions.support.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * Stagecoach's calls to Slack: {@code chat.postMessage} with the bot token
 * (https://docs.slack.dev/reference/methods/chat.postMessage), and messages posted to a request's
 * {@code response_url}
 * (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses). Every call
 * has a short timeout: the webhook answers Slack within three seconds.
 *
 * <p>A response URL is accepted only on Slack's hooks host, {@value
 * SlackSettings#DEFAULT_HOOKS_URL}: a signed request is Slack's, but nothing else should ever make
 * this function post elsewhere. It is sent to the configured hooks URL with the same path, which is
 * Slack's own unless a test points it at a local receiver.
 */
public final class SlackWeb {

  /** What became of a call. */
  public sealed interface Result {
    /** Slack took it; {@code body} is its answer (for the Web API, {@code ok} was true). */
    record Delivered(JsonNode body) implements Result {}

    /**
     * Slack refused for a reason a retry does not change (channel not found, expired URL, bad
     * token).
     */
    record Refused(String error) implements Result {}

    /** Slack could not be reached or asked to slow down: worth another try. */
    record Unavailable(String reason) implements Result {}
  }

  // https://docs.slack.dev/reference/methods/chat.postMessage#errors: the ones a later try may get
  // past.
  private static final Set<String> TRANSIENT_ERRORS =
      Set.of(
          "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout");
  private static final String SLACK_HOOKS_PREFIX = SlackSettings.DEFAULT_HOOKS_URL + "/";

  private final HttpClient http;
  private final URI apiUrl;
  private final URI hooksUrl;
  private final Duration timeout;

  public SlackWeb(HttpClient http, URI apiUrl, URI hooksUrl, Duration timeout) {
    this.http = http;
    this.apiUrl = apiUrl;
    this.hooksUrl = hooksUrl;
    this.timeout = timeout;
  }

  /**
   * One client for the function instance, HTTP/1.1 (Slack's hooks answer it), with a short connect
   * timeout.
   */
  public static SlackWeb of(SlackSettings settings) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    return new SlackWeb(http, settings.apiUrl(), settings.hooksUrl(), Duration.ofSeconds(5));
  }

  /** Whether {@code url} is a response URL Slack could have issued. */
  public static boolean isSlackResponseUrl(String url) {
    return url != null
        && url.startsWith(SLACK_HOOKS_PREFIX)
        && url.length() > SLACK_HOOKS_PREFIX.length()
        && !url.contains("..")
        && !url.contains("#")
        && url.chars().noneMatch(c -> c <= ' ');
  }

  /** Posts {@code message} to a request's response URL. */
  public Result respond(String responseUrl, ObjectNode message) {
    if (!isSlackResponseUrl(responseUrl)) {
      return new Result.Refused("not a Slack response URL");
    }
    URI target;
    try {
      target =
          URI.create(
              stripSlash(hooksUrl.toString())
                  + responseUrl.substring(SlackSettings.DEFAULT_HOOKS_URL.length()));
    } catch (IllegalArgumentException e) {
      return new Result.Refused("not a Slack response URL");
    }
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(message), StandardCharsets.UTF_8))
            .build();
    return send(request, false);
  }

  /**
   * {@code chat.postMessage}: {@code message} ({@code text}, {@code blocks}) into {@code channel}.
   */
  public Result postMessage(String botToken, String channel, ObjectNode message) {
    ObjectNode body = message.deepCopy();
    body.put("channel", channel);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(stripSlash(apiUrl.toString()) + "/chat.postMessage"))
            .timeout(timeout)
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Authorization", "Bearer " + botToken)
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8))
            .build();
    return send(request, true);
  }

  private Result send(HttpRequest request, boolean webApi) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result.Unavailable(e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result.Unavailable("interrupted");
    }
    int status = response.statusCode();
    if (status == 429 || status >= 500) {
      return new Result.Unavailable("HTTP " + status);
    }
    if (status != 200) {
      return new Result.Refused("HTTP " + status);
    }
    if (!webApi) {
      // Response URLs answer "ok" as text, or a JSON object; either way 200 means Slack took the
      // message.
      return new Result.Delivered(Json.object());
    }
    JsonNode body;
    try {
      body = Json.parse(response.body());
    } catch (JsonProcessingException e) {
      return new Result.Unavailable("Slack's answer is not JSON");
    }
    if (body.path("ok").asBoolean(false)) {
      return new Result.Delivered(body);
    }
    String error = body.path("error").asText("unknown_error");
    return TRANSIENT_ERRORS.contains(error)
        ? new Result.Unavailable(error)
        : new Result.Refused(error);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
