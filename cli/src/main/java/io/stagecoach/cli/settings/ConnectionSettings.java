package io.stagecoach.cli.settings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the CLI sends its requests and with which token. Each setting is taken from the first place
 * that has it: the flag ({@code --endpoint}, {@code --token}), the environment variable ({@code
 * STAGECOACH_ENDPOINT}, {@code STAGECOACH_TOKEN}), the config file, then what {@code stagecoach
 * serve} keeps in {@code .stagecoach/} of the working directory (its address in {@code endpoint},
 * the admin token in {@code admin-token}), then, for the endpoint, the default 127.0.0.1:4566.
 *
 * <p>The config file is {@code $STAGECOACH_CONFIG} when set, else {@code
 * $XDG_CONFIG_HOME/stagecoach/config.json}, else {@code ~/.config/stagecoach/config.json}: a JSON
 * object with the optional keys {@code endpoint} and {@code token}.
 */
public record ConnectionSettings(
    URI endpoint, Optional<String> token, String endpointSource, String tokenSource) {

  public static final URI LOCAL_CLOUD = URI.create("http://127.0.0.1:4566");
  static final Path ADMIN_TOKEN = Path.of(".stagecoach", "admin-token");
  static final Path SERVE_ENDPOINT = Path.of(".stagecoach", "endpoint");
  private static final Set<String> FILE_KEYS = Set.of("endpoint", "token");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Resolves the settings; flags are empty when not given. */
  public static ConnectionSettings resolve(
      Optional<String> endpointFlag, Optional<String> tokenFlag, CliEnvironment env) {
    ConfigFile file = ConfigFile.find(env);

    URI endpoint;
    String endpointSource;
    Optional<String> flag = endpointFlag.map(String::trim).filter(v -> !v.isEmpty());
    Optional<String> variable = env.variable(CliEnvironment.ENDPOINT);
    if (flag.isPresent()) {
      endpoint = endpoint(flag.get(), "--endpoint");
      endpointSource = "--endpoint";
    } else if (variable.isPresent()) {
      endpoint = endpoint(variable.get(), CliEnvironment.ENDPOINT);
      endpointSource = CliEnvironment.ENDPOINT;
    } else if (file.value("endpoint").isPresent()) {
      endpoint = endpoint(file.value("endpoint").get(), file.path() + " (endpoint)");
      endpointSource = file.path().toString();
    } else {
      Path serveEndpoint = env.workDir().resolve(SERVE_ENDPOINT);
      Optional<String> served = readLine(serveEndpoint, "the endpoint 'stagecoach serve' keeps");
      if (served.isPresent()) {
        endpoint = endpoint(served.get(), serveEndpoint.toString());
        endpointSource = serveEndpoint.toString();
      } else {
        endpoint = LOCAL_CLOUD;
        endpointSource = "default";
      }
    }

    Optional<String> token;
    String tokenSource;
    Optional<String> tokenFlagValue = tokenFlag.map(String::trim).filter(v -> !v.isEmpty());
    Optional<String> tokenVariable = env.variable(CliEnvironment.TOKEN);
    if (tokenFlagValue.isPresent()) {
      token = tokenFlagValue;
      tokenSource = "--token";
    } else if (tokenVariable.isPresent()) {
      token = tokenVariable;
      tokenSource = CliEnvironment.TOKEN;
    } else if (file.value("token").isPresent()) {
      token = file.value("token");
      tokenSource = file.path().toString();
    } else {
      Path adminToken = env.workDir().resolve(ADMIN_TOKEN);
      token = readLine(adminToken, "the admin token");
      tokenSource = token.isPresent() ? adminToken.toString() : "none";
    }
    return new ConnectionSettings(endpoint, token, endpointSource, tokenSource);
  }

  /** Never shows the token itself: settings end up in error reports. */
  @Override
  public String toString() {
    return "ConnectionSettings[endpoint="
        + endpoint
        + " ("
        + endpointSource
        + "), token="
        + (token.isPresent() ? "*** (" + tokenSource + ")" : "none")
        + "]";
  }

  private static URI endpoint(String text, String source) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidSettings(source + ": '" + text + "' is not a URL");
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new InvalidSettings(
          source + ": '" + text + "' is not an http(s) URL such as " + LOCAL_CLOUD);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new InvalidSettings(source + ": '" + text + "' must not have a query or a fragment");
    }
    return uri;
  }

  /**
   * How to change the endpoint, for messages about it: what set it, and where else it can come
   * from.
   */
  public String endpointOrigin() {
    return "endpoint "
        + endpoint
        + " from "
        + origin(endpointSource)
        + "; choose another with --endpoint, STAGECOACH_ENDPOINT or \"endpoint\" in the config file";
  }

  /** How to change the token, for messages about it. */
  public String tokenOrigin() {
    return (token.isPresent() ? "token from " + origin(tokenSource) : "no token")
        + "; choose one with --token, STAGECOACH_TOKEN or \"token\" in the config file";
  }

  private static String origin(String source) {
    if (source.equals("default")) {
      return "the default (no --endpoint, STAGECOACH_ENDPOINT, config file or"
          + " .stagecoach/endpoint here)";
    }
    if (source.endsWith(SERVE_ENDPOINT.toString())) {
      return source + ", written by 'stagecoach serve'";
    }
    if (source.endsWith(ADMIN_TOKEN.toString())) {
      return source + ", written by 'stagecoach serve'";
    }
    return source;
  }

  /** The first line of a file that {@code stagecoach serve} wrote, or empty when there is none. */
  private static Optional<String> readLine(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Files.readString(file).lines().findFirst().map(String::trim).filter(t -> !t.isEmpty());
    } catch (IOException e) {
      throw new InvalidSettings("cannot read " + what + " in " + file + ": " + e.getMessage(), e);
    }
  }

  /** The config file's settings; {@code path} is null when there is no file. */
  private record ConfigFile(Path path, Map<String, String> values) {

    Optional<String> value(String key) {
      return Optional.ofNullable(values.get(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    static ConfigFile find(CliEnvironment env) {
      Optional<String> named = env.variable(CliEnvironment.CONFIG);
      if (named.isPresent()) {
        Path path = env.workDir().resolve(named.get());
        if (!Files.isRegularFile(path)) {
          // A config file named on purpose and missing is a mistake worth stopping for.
          throw new InvalidSettings(CliEnvironment.CONFIG + ": no file " + path);
        }
        return read(path);
      }
      Path configHome =
          env.variable(CliEnvironment.XDG_CONFIG_HOME)
              .map(Path::of)
              .filter(Path::isAbsolute)
              .orElse(env.home().resolve(".config"));
      Path path = configHome.resolve("stagecoach").resolve("config.json");
      return Files.isRegularFile(path) ? read(path) : new ConfigFile(null, Map.of());
    }

    private static ConfigFile read(Path path) {
      JsonNode root;
      try {
        root = MAPPER.readTree(Files.readString(path));
      } catch (JsonProcessingException e) {
        String where =
            e.getLocation() == null
                ? ""
                : " (line "
                    + e.getLocation().getLineNr()
                    + ", column "
                    + e.getLocation().getColumnNr()
                    + ")";
        throw new InvalidSettings(path + ": not well-formed JSON" + where, e);
      } catch (IOException e) {
        throw new InvalidSettings("cannot read " + path + ": " + e.getMessage(), e);
      }
      if (root == null || !root.isObject()) {
        throw new InvalidSettings(
            path + ": must be a JSON object such as {\"endpoint\": \"" + LOCAL_CLOUD + "\"}");
      }
      Map<String, String> values = new java.util.LinkedHashMap<>();
      for (var field : root.properties()) {
        if (!FILE_KEYS.contains(field.getKey())) {
          throw new InvalidSettings(
              path + ": unknown setting '" + field.getKey() + "' (known: endpoint, token)");
        }
        if (!field.getValue().isTextual()) {
          throw new InvalidSettings(path + ": '" + field.getKey() + "' must be a string");
        }
        values.put(field.getKey(), field.getValue().asText());
      }
      return new ConfigFile(path, values);
    }
  }
}
