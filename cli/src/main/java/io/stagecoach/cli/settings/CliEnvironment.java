package io.stagecoach.cli.settings;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * What the CLI reads from the machine it runs on: environment variables, the working directory, the
 * home directory, the OS user and the time zone times are shown in. {@link #system()} is the only
 * place the CLI reads them; tests pass their own.
 */
public record CliEnvironment(
    Map<String, String> variables, Path workDir, Path home, String osUser, ZoneId zone) {

  public static final String ENDPOINT = "STAGECOACH_ENDPOINT";
  public static final String TOKEN = "STAGECOACH_TOKEN";
  public static final String CONFIG = "STAGECOACH_CONFIG";
  static final String XDG_CONFIG_HOME = "XDG_CONFIG_HOME";

  public CliEnvironment {
    variables = Map.copyOf(variables);
    workDir = workDir.toAbsolutePath();
    home = home.toAbsolutePath();
  }

  /** A machine on UTC, as tests like it. */
  public CliEnvironment(Map<String, String> variables, Path workDir, Path home, String osUser) {
    this(variables, workDir, home, osUser, ZoneOffset.UTC);
  }

  public static CliEnvironment system() {
    return new CliEnvironment(
        System.getenv(),
        Path.of("").toAbsolutePath(),
        Path.of(System.getProperty("user.home")),
        System.getProperty("user.name", ""),
        ZoneId.systemDefault());
  }

  /**
   * A variable's value; a variable set to an empty string counts as unset, as shells often leave
   * them.
   */
  public Optional<String> variable(String name) {
    return Optional.ofNullable(variables.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }
}
