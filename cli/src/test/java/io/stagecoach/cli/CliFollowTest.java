package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.ApiProblem;
import io.stagecoach.cli.client.Follow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Follow} against a real HTTP server whose answers are scripted, on a clock that sleeping
 * moves.
 */
class CliFollowTest {

  static final ApiPath DEPLOYMENT = ApiPath.of("v1", "apps", "payments", "deployments", "d-1");
  static final Follow.Target TARGET =
      Follow.Target.of(DEPLOYMENT, "/status", Set.of("succeeded"), Set.of("failed", "rolled_back"));

  /** A status and body the server answers with; the last one is repeated for ever. */
  record Scripted(int status, String body) {
    static Scripted deployment(String status) {
      return new Scripted(200, "{\"id\":\"d-1\",\"status\":\"" + status + "\"}");
    }
  }

  HttpServer server;
  final List<Scripted> script = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> paths = new CopyOnWriteArrayList<>();
  final List<Duration> slept = new ArrayList<>();
  Instant now = Instant.parse("2025-06-01T10:00:00Z");
  final StringWriter progress = new StringWriter();
  ApiClient api;

  @BeforeEach
  void startServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          paths.add(exchange.getRequestURI().getRawPath());
          Scripted next = script.size() > 1 ? script.remove(0) : script.get(0);
          byte[] body = next.body().getBytes(StandardCharsets.UTF_8);
          exchange
              .getResponseHeaders()
              .set(
                  "Content-Type",
                  next.status() >= 400 ? "application/problem+json" : "application/json");
          exchange.sendResponseHeaders(next.status(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    api =
        new ApiClient(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/live"),
            Optional.of("t0ken"));
  }

  @AfterEach
  void stopServer() {
    api.close();
    server.stop(0);
  }

  Follow follow(Duration interval, Duration timeout) {
    return follow(interval, interval, timeout);
  }

  Follow follow(Duration first, Duration interval, Duration timeout) {
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    Follow.Sleeper sleeper =
        d -> {
          slept.add(d);
          now = now.plus(d);
        };
    return new Follow(
        api,
        new Follow.Pacing(clock, sleeper, first, interval, timeout),
        new PrintWriter(progress, true));
  }

  @Test
  void until_waitsLittleAtFirst_doublingWhileNothingChanges_upToTheInterval() {
    script.add(Scripted.deployment("requested"));
    for (int i = 0; i < 7; i++) {
      script.add(Scripted.deployment("provisioning"));
    }
    script.add(Scripted.deployment("succeeded"));

    Follow.Result result =
        follow(Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofMinutes(5)).until(TARGET);

    assertTrue(result.succeeded());
    // After each change the wait starts again at 50 ms.
    assertEquals(
        List.of(50L, 50L, 100L, 200L, 400L, 800L, 1600L, 2000L),
        slept.stream().map(Duration::toMillis).toList());
    assertEquals(
        "[    0s] requested\n[    0s] provisioning\n[    5s] succeeded\n", progress.toString());
  }

  @Test
  void standardPacing_reportsADeploymentOfATenthOfASecond_withinAFewTenths() {
    // A deployment that succeeds 100 ms after the request: the polls at 0 and 50 ms see it
    // provisioning, the next one sees it done.
    script.addAll(
        List.of(
            Scripted.deployment("provisioning"),
            Scripted.deployment("provisioning"),
            Scripted.deployment("succeeded")));
    Follow.Pacing standard = Follow.Pacing.standard();
    Follow.Result result =
        follow(standard.first(), standard.interval(), standard.timeout()).until(TARGET);
    assertTrue(result.succeeded());
    assertEquals(List.of(50L, 100L), slept.stream().map(Duration::toMillis).toList());
    assertEquals(Duration.ofMillis(150), result.elapsed());
  }

  @Test
  void until_printsEachNewStatusOnce_andAnswersTheTerminalOne() {
    script.addAll(
        List.of(
            Scripted.deployment("requested"),
            Scripted.deployment("provisioning"),
            Scripted.deployment("provisioning"),
            Scripted.deployment("provisioning"),
            Scripted.deployment("succeeded")));

    Follow.Result result = follow(Duration.ofSeconds(2), Duration.ofMinutes(5)).until(TARGET);

    assertEquals("succeeded", result.status());
    assertTrue(result.succeeded());
    assertEquals("d-1", result.last().get("id").asText());
    assertEquals(Duration.ofSeconds(8), result.elapsed());
    assertEquals(
        "[    0s] requested\n[    2s] provisioning\n[    8s] succeeded\n", progress.toString());
    assertEquals(
        List.of(
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2)),
        slept);
    assertEquals(5, paths.size());
    assertTrue(
        paths.stream().allMatch(p -> p.equals("/live/v1/apps/payments/deployments/d-1")),
        paths.toString());
    assertTrue(authorizations.stream().allMatch(a -> a.equals("Bearer t0ken")));
  }

  @Test
  void until_aFailedStatusIsTerminal_andNotASuccess() {
    script.addAll(List.of(Scripted.deployment("provisioning"), Scripted.deployment("rolled_back")));
    Follow.Result result = follow(Duration.ofSeconds(1), Duration.ofMinutes(1)).until(TARGET);
    assertEquals("rolled_back", result.status());
    assertFalse(result.succeeded());
  }

  @Test
  void until_stopsAtTheTimeout_sayingTheLastStatus_withoutSleepingPastIt() {
    script.add(Scripted.deployment("provisioning"));
    Follow.TimedOut e =
        assertThrows(
            Follow.TimedOut.class,
            () -> follow(Duration.ofSeconds(4), Duration.ofSeconds(10)).until(TARGET));
    assertEquals("provisioning", e.lastStatus());
    assertTrue(e.getMessage().contains("still 'provisioning' after 10s"), e.getMessage());
    assertEquals(
        List.of(Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(2)), slept);
    assertEquals("[    0s] provisioning\n", progress.toString());
  }

  @Test
  void until_retriesServerErrors_untilTheStatusIsTerminal() {
    script.addAll(
        List.of(
            Scripted.deployment("provisioning"),
            new Scripted(
                503, "{\"code\":\"internal_error\",\"status\":503,\"detail\":\"try again\"}"),
            new Scripted(502, "{\"message\":\"Internal server error\"}"),
            Scripted.deployment("succeeded")));
    Follow.Result result = follow(Duration.ofSeconds(1), Duration.ofMinutes(1)).until(TARGET);
    assertTrue(result.succeeded());
    assertEquals(
        "[    0s] provisioning\n[    1s] (try again; retrying)\n"
            + "[    2s] (HTTP 502: Internal server error; retrying)\n[    3s] succeeded\n",
        progress.toString());
  }

  @Test
  void until_endsAtOnce_whenTheApiRefuses() {
    script.add(
        new Scripted(
            404, "{\"code\":\"not_found\",\"status\":404,\"detail\":\"no deployment d-1\"}"));
    ApiProblem p =
        assertThrows(
            ApiProblem.class,
            () -> follow(Duration.ofSeconds(1), Duration.ofMinutes(1)).until(TARGET));
    assertEquals(404, p.status());
    assertEquals(Optional.of("not_found"), p.code());
    assertTrue(slept.isEmpty());
  }

  @Test
  void until_withADescription_printsAChangeWithinAStatusToo() {
    script.addAll(
        List.of(
            new Scripted(200, "{\"status\":\"running\",\"stage\":\"dev\"}"),
            new Scripted(200, "{\"status\":\"running\",\"stage\":\"staging\"}"),
            new Scripted(200, "{\"status\":\"succeeded\",\"stage\":\"prod\"}")));
    follow(Duration.ofSeconds(1), Duration.ofMinutes(1))
        .until(TARGET, body -> body.get("status").asText() + " " + body.get("stage").asText());
    assertEquals(
        "[    0s] running dev\n[    1s] running staging\n[    2s] succeeded prod\n",
        progress.toString());
  }

  @Test
  void untilEach_printsEachLineThePreviousAnswerDidNotHave() {
    script.addAll(
        List.of(
            new Scripted(200, "{\"status\":\"running\",\"stages\":[\"dev: deploying\"]}"),
            new Scripted(
                200,
                "{\"status\":\"running\",\"stages\":[\"dev: promoted\",\"staging: awaiting_approval\"]}"),
            new Scripted(
                200,
                "{\"status\":\"running\",\"stages\":[\"dev: promoted\",\"staging: awaiting_approval\"]}"),
            new Scripted(
                200,
                "{\"status\":\"failed\",\"stages\":[\"dev: promoted\",\"staging: failed\"]}")));
    Follow.Result result =
        follow(Duration.ofSeconds(1), Duration.ofMinutes(1))
            .untilEach(
                TARGET,
                body -> {
                  List<String> lines = new ArrayList<>();
                  body.get("stages").forEach(s -> lines.add(s.asText()));
                  return lines;
                });
    assertFalse(result.succeeded());
    assertEquals(
        "[    0s] dev: deploying\n[    1s] dev: promoted\n[    1s] staging: awaiting_approval\n"
            + "[    3s] staging: failed\n",
        progress.toString());
  }
}
