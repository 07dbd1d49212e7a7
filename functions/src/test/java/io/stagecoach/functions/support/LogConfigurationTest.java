package io.stagecoach.functions.support;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A function's init configures Log4j2 on a thread of its own, beside its SDK clients ({@link
 * Log#configureAside}); a line logged while that is still running waits for it instead of going to
 * Log4j2's default configuration, which drops everything below ERROR. Checked in a fresh JVM, where
 * nothing has configured Log4j2 yet, with the functions' own {@code log4j2.xml}.
 */
class LogConfigurationTest {

  /** A function's init as far as the logger goes: settings first, then at once a line. */
  public static final class FirstLine {
    public static void main(String[] args) {
      Settings.fromEnvironment(Map.of("AWS_REGION", "eu-west-1"));
      Log.of(FirstLine.class).info("the first line of the init", "handler", "FirstLine");
      System.out.flush();
    }
  }

  @Test
  void aLineLoggedWhileTheConfigurationRunsAsideIsWrittenByTheConfiguredAppender()
      throws Exception {
    Path config = Path.of("src/main/resources/log4j2.xml").toAbsolutePath();
    assertTrue(config.toFile().isFile(), config.toString());
    for (int run = 0; run < 3; run++) {
      Process child =
          new ProcessBuilder(
                  List.of(
                      Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                      "-Dlog4j2.configurationFile=" + config,
                      "-cp",
                      System.getProperty("java.class.path"),
                      FirstLine.class.getName()))
              .redirectErrorStream(true)
              .start();
      child.getOutputStream().close();
      byte[] out = child.getInputStream().readAllBytes();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
      String written = new String(out, StandardCharsets.UTF_8);
      assertEquals(0, child.exitValue(), written);
      // log4j2.xml's TEXT format (no AWS_LAMBDA_LOG_FORMAT here): level, logger, message, fields.
      List<String> lines =
          written.lines().filter(line -> line.contains("the first line of the init")).toList();
      assertEquals(1, lines.size(), written);
      assertTrue(lines.get(0).contains("INFO"), lines.get(0));
      assertTrue(lines.get(0).contains("FirstLine"), lines.get(0));
      assertFalse(written.contains("StatusLogger"), written);
    }
  }
}
