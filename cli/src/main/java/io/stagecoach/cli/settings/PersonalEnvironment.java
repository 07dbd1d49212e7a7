package io.stagecoach.cli.settings;

import io.stagecoach.domain.registry.Naming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The name of the caller's personal environment, for commands that default to it: the one the API
 * names after the token's principal ({@code GET /v1/me}), unless {@code .stagecoach/userenv} keeps
 * another. Never the OS user: one person has one personal environment, whatever the surface.
 */
public final class PersonalEnvironment {

  static final Path USER_ENV = Path.of(".stagecoach", "userenv");

  private PersonalEnvironment() {}

  /**
   * The name kept in {@code .stagecoach/userenv} of {@code workDir}, normalised by the rule the API
   * applies to principals ({@code Alice.Smith} is {@code alice-smith}); empty when there is no such
   * file or it is blank. One that names nothing ({@code 42}, {@code !!}) is refused.
   */
  public static Optional<String> kept(Path workDir) {
    Path file = workDir.resolve(USER_ENV);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String kept;
    try {
      kept = Files.readString(file).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (kept.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Naming.chosenPersonalEnvironmentName(kept)
            .orElseThrow(
                () ->
                    new InvalidSettings(
                        file
                            + " names '"
                            + kept
                            + "', which is no environment name (lowercase letters, digits and '-',"
                            + " starting with a letter); fix it or remove it to use the one the API"
                            + " names after your token")));
  }
}
