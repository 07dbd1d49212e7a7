package io.stagecoach.cli.settings;

import io.stagecoach.domain.registry.Naming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The name of the caller's personal environment, for commands that default to it. */
public final class PersonalEnvironment {

  static final Path USER_ENV = Path.of(".stagecoach", "userenv");

  private PersonalEnvironment() {}

  /**
   * The name kept in {@code .stagecoach/userenv} of {@code workDir} (trimmed) when that file has
   * one, else the OS user's name normalised as the API normalises principals into personal
   * environment names.
   */
  public static String defaultName(Path workDir, String osUser) {
    Path file = workDir.resolve(USER_ENV);
    if (Files.isRegularFile(file)) {
      try {
        String kept = Files.readString(file).trim();
        if (!kept.isEmpty()) {
          return kept;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return Naming.personalEnvironmentName(osUser);
  }
}
