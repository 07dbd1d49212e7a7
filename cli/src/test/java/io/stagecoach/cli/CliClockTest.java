package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.local.LocalCloud;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stagecoach clock show|advance} against a local cloud of its own (moving the clock would
 * change what other tests read), and refused against anything that is not a local cloud; {@code
 * serve --clock-offset} checked before anything starts.
 */
class CliClockTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  static LocalCloud cloud;
  static CliEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    cloud = LocalCloud.start(LocalCloud.Options.defaults(work.resolve(".stagecoach")).withPort(0));
    env =
        new CliEnvironment(
            Map.of(CliEnvironment.ENDPOINT, cloud.endpoint().toString()),
            work,
            work.resolve("home"),
            "tester");
  }

  @AfterAll
  static void stop() throws Exception {
    cloud.close();
  }

  private static CliRun cli(String... args) {
    return CliRun.run(env, args);
  }

  @Test
  void advance_movesTheLocalCloudsClock_show_saysHowFarAhead_andBackIsRefused() throws Exception {
    CliRun shown = cli("clock", "show");
    assertEquals(ExitCode.OK, shown.code(), shown.printed());
    assertTrue(shown.out().contains("local cloud:"), shown.printed());
    long before =
        JSON.readTree(cli("clock", "show", "--json").out()).path("offsetSeconds").asLong();

    CliRun advanced = cli("clock", "advance", "25h");
    assertEquals(ExitCode.OK, advanced.code(), advanced.printed());
    assertTrue(
        advanced.out().startsWith("moved the local cloud's clock from "), advanced.printed());
    assertTrue(
        advanced.out().lines().anyMatch(l -> l.matches("ahead by:\\s+\\d+d \\d+h.*")),
        advanced.printed());
    assertEquals(Duration.ofHours(25).plusSeconds(before), cloud.clock().offset());

    Instant to = cloud.clock().instant().plus(Duration.ofMinutes(10));
    assertEquals(ExitCode.OK, cli("clock", "advance", "--to", to.toString()).code());
    assertFalse(cloud.clock().instant().isBefore(to));

    Duration kept = cloud.clock().offset();
    CliRun back = cli("clock", "advance", "--to", "2001-01-01T00:00:00Z");
    assertEquals(ExitCode.INVALID, back.code(), back.printed());
    assertTrue(back.err().startsWith("stagecoach: to: the local cloud's clock never moves back"));
    CliRun zero = cli("clock", "advance", "0h");
    assertEquals(ExitCode.INVALID, zero.code(), zero.printed());
    assertTrue(zero.err().startsWith("stagecoach: by: "), zero.printed());
    CliRun nonsense = cli("clock", "advance", "tomorrow");
    assertEquals(ExitCode.INVALID, nonsense.code(), nonsense.printed());
    assertTrue(nonsense.err().contains("'tomorrow' is not an amount of time"), nonsense.printed());
    assertEquals(kept, cloud.clock().offset(), "nothing moved");

    CliRun neither = cli("clock", "advance");
    assertEquals(ExitCode.INVALID, neither.code(), neither.printed());
    assertEquals(1, neither.err().lines().count(), neither.printed());
    CliRun both = cli("clock", "advance", "1h", "--to", to.toString());
    assertEquals(ExitCode.INVALID, both.code(), both.printed());
  }

  @Test
  void againstAnEndpointThatIsNotALocalCloud_theClockIsRefused_exit3() throws Exception {
    CliRun remote =
        cli(
            "clock",
            "advance",
            "1h",
            "--endpoint",
            "https://abc123.execute-api.eu-west-1.amazonaws.com/live",
            "--token",
            "t");
    assertEquals(ExitCode.REFUSED, remote.code(), remote.printed());
    assertEquals(1, remote.err().lines().count(), remote.printed());
    assertTrue(
        remote.err().startsWith("stagecoach: the clock can be moved only on the local cloud"),
        remote.printed());

    // On loopback but not a local cloud: answers as Stagecoach's API Gateway does for a path it has
    // no route for.
    HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger asked = new AtomicInteger();
    gateway.createContext(
        "/",
        exchange -> {
          asked.incrementAndGet();
          byte[] body =
              ("{\"type\":\"urn:stagecoach:problem:not_found\",\"title\":\"Not Found\","
                      + "\"code\":\"not_found\",\"detail\":\"No route matches this method and path.\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
          exchange.sendResponseHeaders(404, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    gateway.start();
    try {
      CliRun notOurs =
          cli(
              "clock",
              "show",
              "--endpoint",
              "http://127.0.0.1:" + gateway.getAddress().getPort() + "/live",
              "--token",
              "t");
      assertEquals(ExitCode.REFUSED, notOurs.code(), notOurs.printed());
      assertTrue(notOurs.err().contains("is not the local cloud"), notOurs.printed());
      assertEquals(1, asked.get());
    } finally {
      gateway.stop(0);
    }
  }

  @Test
  void serve_withAClockOffsetThatIsNoAmountOfTime_orBehindTheKeptClock_isRefused_exit2()
      throws Exception {
    CliRun typo = cli("serve", "--dir", work.resolve("typo").toString(), "--clock-offset", "1 day");
    assertEquals(ExitCode.INVALID, typo.code(), typo.printed());
    assertFalse(Files.exists(work.resolve("typo")), "nothing started");

    Path kept = Files.createDirectories(work.resolve("kept"));
    Files.writeString(kept.resolve("clock"), "PT5H\n");
    CliRun behind = cli("serve", "--dir", kept.toString(), "--port", "0", "--clock-offset", "1h");
    assertEquals(ExitCode.INVALID, behind.code(), behind.printed());
    assertEquals("PT5H\n", Files.readString(kept.resolve("clock")), "the kept clock stands");
    assertFalse(Files.exists(kept.resolve("lock")), "a refused start leaves no lock behind");
  }

  @Test
  void help_listsTheClock() {
    CliRun help = cli("clock", "--help");
    assertEquals(ExitCode.OK, help.code(), help.printed());
    assertTrue(help.out().contains("advance"), help.printed());
    assertTrue(cli("--help").out().contains("  clock"), "listed among the commands");
  }
}
