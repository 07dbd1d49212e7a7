package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client commands run on target/stagecoach-client.jar, whose class path (in cli/pom.xml) holds
 * picocli, Jackson and the core only: no local cloud. These runs start a JVM on the same set of
 * jars and this module's classes, so a client command that came to need anything else fails here.
 */
class ClientClassPathTest {

  /** The jars of the client jar's Class-Path in cli/pom.xml, by file name. */
  private static final Pattern LEAN =
      Pattern.compile(
          "(picocli|jackson-core|jackson-databind|jackson-annotations)-[0-9][^/]*\\.jar"
              + "|stagecoach-shared-[0-9][^/]*(?<!-tests)\\.jar");

  private static HttpServer api;
  private static String classPath;

  @BeforeAll
  static void leanClassPathAndAnApi() throws Exception {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String name = p.getFileName().toString();
      boolean moduleClasses = p.endsWith(Path.of("cli", "target", "classes"));
      boolean sharedClasses = p.endsWith(Path.of("shared", "target", "classes"));
      if (moduleClasses || sharedClasses || LEAN.matcher(name).matches()) {
        entries.add(entry);
      }
    }
    assertEquals(
        6,
        entries.size(),
        "this module's classes, picocli, three Jackson jars and the core: " + entries);
    classPath = String.join(File.pathSeparator, entries);

    api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    api.createContext(
        "/v1/apps",
        exchange -> {
          byte[] body =
              "{\"items\":[{\"name\":\"shop\",\"pipeline\":[{\"environment\":\"dev\"}]}]}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    api.start();
  }

  @AfterAll
  static void stop() {
    api.stop(0);
  }

  record Run(int code, String out, String err) {}

  private static Run cli(String... args) throws Exception {
    Path out = Files.createTempFile("cli-out", ".txt");
    Path err = Files.createTempFile("cli-err", ".txt");
    try {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", classPath));
      command.add(StagecoachCommand.class.getName());
      command.addAll(Arrays.asList(args));
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .directory(Files.createTempDirectory("cli-cwd").toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("STAGECOACH_"));
      Process p = pb.start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit within 60 s");
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @Test
  void aClientCommand_callsTheApiAndPrints_withoutTheLocalCloud() throws Exception {
    String endpoint = "http://127.0.0.1:" + api.getAddress().getPort();
    Run run = cli("apps", "list", "--endpoint", endpoint, "--token", "t");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().lines().anyMatch(l -> l.matches("shop\\s+dev\\s*")), run.toString());
    assertEquals("", run.err(), run.toString());
  }

  @Test
  void anUnreachableApi_isOneLineAndExit1() throws Exception {
    Run run = cli("apps", "list", "--endpoint", "http://127.0.0.1:1", "--token", "t");
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.err().startsWith("stagecoach: cannot reach http://127.0.0.1:1"), run.toString());
    assertEquals(1, run.err().lines().count(), run.toString());
  }

  @Test
  void theHelpOfEveryCommand_serveIncluded_loads() throws Exception {
    Run root = cli("--help");
    assertEquals(0, root.code(), root.toString());
    List<String> commands =
        root.out()
            .lines()
            .dropWhile(l -> !l.equals("Commands:"))
            .skip(1)
            .takeWhile(l -> !l.isBlank())
            .filter(l -> l.matches("  \\S.*"))
            .map(l -> l.trim().split("\\s+")[0])
            .collect(Collectors.toList());
    assertTrue(commands.containsAll(List.of("serve", "apps", "envs", "deploy")), root.toString());
    Run serve = cli("serve", "--help");
    assertEquals(0, serve.code(), serve.toString());
    assertTrue(serve.out().contains("--faults"), serve.toString());
  }
}
