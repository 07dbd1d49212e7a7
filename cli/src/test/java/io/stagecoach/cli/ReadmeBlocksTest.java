package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@link ReadmeTest} reads the README's blocks, and that the README is written so it can: every
 * fence says its language, every skip says why. Runs with the unit tests, before anything is
 * packaged.
 */
class ReadmeBlocksTest {

  @Test
  void blocks_haveTheirLanguage_lines_andSkipReason() {
    List<ReadmeTest.Block> blocks =
        ReadmeTest.blocks(
            List.of(
                "# Title",
                "```sh",
                "echo one",
                "```",
                "text",
                "<!-- readme-test: skip (it runs forever) -->",
                "```sh",
                "./stagecoach serve",
                "```",
                "```json",
                "{\"a\": 1}",
                "```"));
    assertEquals(3, blocks.size(), blocks.toString());
    assertEquals(new ReadmeTest.Block(2, "sh", List.of("echo one"), null), blocks.get(0));
    assertTrue(blocks.get(0).runs());
    assertEquals("it runs forever", blocks.get(1).skipReason());
    assertFalse(blocks.get(1).runs(), "skipped");
    assertFalse(blocks.get(2).runs(), "not a shell block");
  }

  @Test
  void aFenceWithoutLanguage_aStraySkip_andAnUnendedBlock_areRefused() {
    AssertionError untagged =
        assertThrows(AssertionError.class, () -> ReadmeTest.blocks(List.of("```", "ls", "```")));
    assertTrue(untagged.getMessage().contains("line 1: say the block's language"));
    AssertionError stray =
        assertThrows(
            AssertionError.class,
            () ->
                ReadmeTest.blocks(
                    List.of("<!-- readme-test: skip (why) -->", "", "```sh", "ls", "```")));
    assertTrue(stray.getMessage().contains("just above the block it skips"));
    AssertionError noReason =
        assertThrows(
            AssertionError.class,
            () -> ReadmeTest.blocks(List.of("<!-- readme-test: skip -->", "```sh", "ls", "```")));
    assertTrue(noReason.getMessage().contains("write it as"));
    assertThrows(AssertionError.class, () -> ReadmeTest.blocks(List.of("```sh", "ls")));
  }

  @Test
  void theReadme_marksEveryBlock_andSkipsOnlyServeAndTheMavenBuilds() throws Exception {
    List<ReadmeTest.Block> blocks =
        ReadmeTest.blocks(Files.readAllLines(ReadmeTest.repository().resolve("README.md")));
    List<String> skipped =
        blocks.stream()
            .filter(b -> b.skipReason() != null)
            .map(b -> String.join("\n", b.body()))
            .toList();
    assertEquals(
        List.of(
            "./stagecoach serve",
            "mvn -B verify",
            "mvn -B -pl cli -am package -Dtest=ConsoleEndToEndTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false"),
        skipped);
    assertTrue(blocks.stream().filter(ReadmeTest.Block::runs).count() >= 5, blocks.toString());
  }
}
