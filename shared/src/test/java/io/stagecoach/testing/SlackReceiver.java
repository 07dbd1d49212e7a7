package io.stagecoach.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Slack, as far as Stagecoach calls it, on loopback: the Web API ({@code /api/chat.postMessage})
 * and response URLs (any other path). It records every request and answers as Slack does when all
 * is well ({@code ok} with a message {@code ts}; {@code ok} as text for response URLs) unless told
 * to answer otherwise.
 */
public final class SlackReceiver implements AutoCloseable {

  /** One request Stagecoach made. */
  public record Call(String method, String path, Map<String, List<String>> headers, String body) {
    public Optional<String> header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream())
          .findFirst();
    }

    public boolean isPostMessage() {
      return path.equals("/api/chat.postMessage");
    }
  }

  private record Answer(int status, String contentType, String body) {}

  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedDeque<Answer> next = new ConcurrentLinkedDeque<>();

  public SlackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          String path = exchange.getRequestURI().getRawPath();
          calls.add(
              new Call(
                  exchange.getRequestMethod(),
                  path,
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          Answer answer = next.poll();
          if (answer == null) {
            answer =
                path.startsWith("/api/")
                    ? new Answer(
                        200,
                        "application/json",
                        "{\"ok\":true,\"channel\":\"C0000\",\"ts\":\"1700000000.000100\"}")
                    : new Answer(200, "text/plain", "ok");
          }
          byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", answer.contentType());
          exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
          if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
          }
          exchange.close();
        });
    server.start();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:5678}: Slack's hooks host stands here. */
  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The Web API's base URL ({@code SLACK_API_URL}). */
  public URI apiUrl() {
    return URI.create(url() + "/api");
  }

  /** The next request is answered with this instead. */
  public void answerNext(int status, String contentType, String body) {
    next.add(new Answer(status, contentType, body));
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The first request that satisfies {@code matching}, waiting for it up to {@code timeout}. */
  public Call await(Predicate<Call> matching, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (Call c : calls) {
        if (matching.test(c)) {
          return c;
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    List<String> seen = new ArrayList<>();
    calls.forEach(c -> seen.add(c.method() + " " + c.path() + " " + c.body()));
    throw new AssertionError(
        "Slack received no such request within " + timeout + "; it received " + seen);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
