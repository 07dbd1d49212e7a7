package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.settings.PersonalEnvironment;
import io.stagecoach.domain.registry.Naming;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliPersonalEnvironmentTest {

  @Test
  void defaultName_isWhatUserenvKeeps_trimmed(@TempDir Path work) throws Exception {
    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/userenv"), "  sandbox-7\n");
    assertEquals("sandbox-7", PersonalEnvironment.defaultName(work, "Alice.Smith"));
  }

  @Test
  void defaultName_withoutUserenv_isTheOsUserNormalisedAsTheApiDoes(@TempDir Path work)
      throws Exception {
    assertEquals("alice-smith", PersonalEnvironment.defaultName(work, "Alice.Smith"));
    assertEquals(
        Naming.personalEnvironmentName("DOMAIN/J.Doe"),
        PersonalEnvironment.defaultName(work, "DOMAIN/J.Doe"));

    Files.createDirectories(work.resolve(".stagecoach"));
    Files.writeString(work.resolve(".stagecoach/userenv"), "\n");
    assertEquals(
        "alice-smith",
        PersonalEnvironment.defaultName(work, "Alice.Smith"),
        "an empty userenv names nothing");
  }
}
