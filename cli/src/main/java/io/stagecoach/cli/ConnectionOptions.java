package io.stagecoach.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --endpoint} and {@code --token}, on every command that calls the API. */
final class ConnectionOptions {

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "the API's base URL (default: $STAGECOACH_ENDPOINT, the config file,"
              + " ./.stagecoach/endpoint, http://127.0.0.1:4566)")
  String endpoint;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "the bearer token (default: $STAGECOACH_TOKEN, the config file, ./.stagecoach/admin-token)")
  String token;

  Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  Optional<String> token() {
    return Optional.ofNullable(token);
  }
}
