package io.stagecoach.functions.slack;

import io.stagecoach.functions.support.Settings;
import java.net.URI;
import java.util.Optional;

/**
 * The Slack functions' own settings, from the function's environment (through {@link Settings}, the
 * one place that reads it). Secrets are named, never given: the function reads their values from
 * Secrets Manager.
 *
 * @param signingSecretId {@code SLACK_SIGNING_SECRET_ID}: name or ARN of the secret holding the
 *     Slack app's signing secret (the webhook)
 * @param botTokenId {@code SLACK_BOT_TOKEN_ID}: name or ARN of the secret holding the bot token
 *     (the notifier)
 * @param apiUrl {@code SLACK_API_URL}: Slack's Web API, {@value #DEFAULT_API_URL} unless a test
 *     points it at a local receiver
 * @param hooksUrl {@code SLACK_HOOKS_URL}: where response URLs ({@code
 *     https://hooks.slack.com/...}) are sent, {@value #DEFAULT_HOOKS_URL} unless a test points them
 *     at a local receiver
 * @param stagecoachUrl {@code STAGECOACH_API_URL}: the base URL of Stagecoach's own REST API, which
 *     messages link to (an approval's full plan); no links without it
 */
public record SlackSettings(
    Optional<String> signingSecretId,
    Optional<String> botTokenId,
    URI apiUrl,
    URI hooksUrl,
    Optional<URI> stagecoachUrl) {

  public static final String DEFAULT_API_URL = "https://slack.com/api";
  public static final String DEFAULT_HOOKS_URL = "https://hooks.slack.com";

  public static SlackSettings from(Settings settings) {
    return new SlackSettings(
        value(settings, "SLACK_SIGNING_SECRET_ID"),
        value(settings, "SLACK_BOT_TOKEN_ID"),
        URI.create(value(settings, "SLACK_API_URL").orElse(DEFAULT_API_URL)),
        URI.create(value(settings, "SLACK_HOOKS_URL").orElse(DEFAULT_HOOKS_URL)),
        value(settings, "STAGECOACH_API_URL").map(URI::create));
  }

  public String requiredSigningSecretId() {
    return signingSecretId.orElseThrow(
        () ->
            new IllegalStateException("the function's environment lacks SLACK_SIGNING_SECRET_ID"));
  }

  public String requiredBotTokenId() {
    return botTokenId.orElseThrow(
        () -> new IllegalStateException("the function's environment lacks SLACK_BOT_TOKEN_ID"));
  }

  private static Optional<String> value(Settings settings, String name) {
    return Optional.ofNullable(settings.environment().get(name))
        .map(String::strip)
        .filter(v -> !v.isEmpty());
  }
}
