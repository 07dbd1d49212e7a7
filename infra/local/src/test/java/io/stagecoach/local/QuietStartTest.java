package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starting the local cloud prints nothing of its parts' own: serve's start-up report is the only
 * thing on its console (no DynamoDB Local configuration banner, no SLF4J provider warnings).
 */
class QuietStartTest {

  @TempDir Path work;

  @Test
  void start_printsNeitherDynamoDbLocalsBannerNorSlf4jWarnings() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try (LocalCloud cloud =
        LocalCloud.start(LocalCloud.Options.defaults(work.resolve(".stagecoach")).withPort(0))) {
      assertTrue(cloud.port() > 0);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertFalse(text.contains("Initializing DynamoDB Local"), text);
    assertFalse(text.contains("SLF4J"), text);
    assertFalse(text.contains("\u001b["), "no ANSI escapes: " + text);
  }
}
