package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.settings.InvalidSettings;
import io.stagecoach.cli.settings.PersonalEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliPersonalEnvironmentTest {

  @Test
  void kept_isWhatUserenvKeeps_trimmed(@TempDir Path work) throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/userenv"), "  sandbox-7\n");
    assertEquals(Optional.of("sandbox-7"), PersonalEnvironment.kept(work));
  }

  @Test
  void kept_isNormalisedAsTheApiNormalisesPrincipals(@TempDir Path work) throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/userenv"), "Alice.Smith\n");
    assertEquals(Optional.of("alice-smith"), PersonalEnvironment.kept(work));
  }

  @Test
  void withoutUserenv_orABlankOne_nothingIsKept_andTheApiNamesIt(@TempDir Path work)
      throws Exception {
    assertEquals(Optional.empty(), PersonalEnvironment.kept(work));
    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/userenv"), "\n");
    assertEquals(Optional.empty(), PersonalEnvironment.kept(work), "a blank userenv names nothing");
  }

  @Test
  void aUserenvThatNamesNoEnvironment_isRefused(@TempDir Path work) throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    for (String bad : new String[] {"42", "!!!", "---"}) {
      Files.writeString(work.resolve(".stagecoach/userenv"), bad);
      InvalidSettings refused =
          assertThrows(InvalidSettings.class, () -> PersonalEnvironment.kept(work), bad);
      assertTrue(refused.getMessage().contains("no environment name"), refused.getMessage());
    }
  }
}
