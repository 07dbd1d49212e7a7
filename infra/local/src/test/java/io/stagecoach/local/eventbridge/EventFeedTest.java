package io.stagecoach.local.eventbridge;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The feed {@code events tail} reads: cursors, what it keeps, and the long poll. */
class EventFeedTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A clock that moves a second per reading. */
  private static Clock ticking() {
    Instant start = Instant.parse("2025-06-01T12:00:00Z");
    long[] n = {0};
    return new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public synchronized Instant instant() {
        return start.plusSeconds(n[0]++);
      }
    };
  }

  private static void add(EventFeed feed, String detailType) {
    ObjectNode event = JSON.createObjectNode().put("detail-type", detailType);
    feed.add("default", event.toString());
  }

  private static List<String> types(EventFeed.Page page) {
    return page.items().stream()
        .map(
            i -> {
              try {
                return JSON.readTree(i.event()).path("detail-type").asText();
              } catch (java.io.IOException e) {
                throw new AssertionError(i.event(), e);
              }
            })
        .toList();
  }

  @Test
  void readsOnFromACursor_inOrder_atMostLimitAtATime() throws Exception {
    EventFeed feed = EventFeed.withDefaults(ticking());
    assertEquals(0, feed.last());
    for (String t : List.of("a", "b", "c")) {
      add(feed, t);
    }
    EventFeed.Page first = feed.read(0, 2, Duration.ZERO);
    assertEquals(List.of("a", "b"), types(first));
    assertEquals(2, first.next());
    assertEquals(0, first.missed());
    EventFeed.Page rest = feed.read(first.next(), 2, Duration.ZERO);
    assertEquals(List.of("c"), types(rest));
    assertEquals(3, rest.next());
    EventFeed.Page none = feed.read(rest.next(), 2, Duration.ZERO);
    assertEquals(List.of(), types(none));
    assertEquals(3, none.next(), "an empty read keeps the cursor");
  }

  @Test
  void keepsTheNewestOnly_andTellsAReaderThatFellBehindHowManyItMissed() throws Exception {
    EventFeed feed = new EventFeed(3, Long.MAX_VALUE, ticking());
    for (String t : List.of("a", "b", "c", "d", "e")) {
      add(feed, t);
    }
    EventFeed.Page page = feed.read(0, 10, Duration.ZERO);
    assertEquals(List.of("c", "d", "e"), types(page));
    assertEquals(2, page.missed());
    assertEquals(5, page.next());
  }

  @Test
  void keepsAtMostMaxBytes_butAlwaysTheNewestEvent() throws Exception {
    String big = "x".repeat(100);
    EventFeed feed = new EventFeed(100, 150, ticking());
    add(feed, big);
    add(feed, big);
    EventFeed.Page page = feed.read(0, 10, Duration.ZERO);
    assertEquals(1, page.items().size());
    assertEquals(2, page.items().get(0).seq());
    assertEquals(1, page.missed());
  }

  @Test
  void since_startsAtTheFirstEventReceivedThen() throws Exception {
    EventFeed feed = EventFeed.withDefaults(ticking());
    for (String t : List.of("a", "b", "c")) {
      add(feed, t);
    }
    // Received at 12:00:00, :01 and :02.
    long cursor = feed.before(Instant.parse("2025-06-01T12:00:01Z"));
    assertEquals(List.of("b", "c"), types(feed.read(cursor, 10, Duration.ZERO)));
    assertEquals(3, feed.before(Instant.parse("2025-06-01T13:00:00Z")), "later: from now on");
  }

  @Test
  void aWaitingRead_answersAsSoonAsAnEventComes_andAtOnceWhenTheFeedCloses() throws Exception {
    EventFeed feed = EventFeed.withDefaults(Clock.systemUTC());
    CompletableFuture<EventFeed.Page> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return feed.read(0, 10, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    add(feed, "Deployment Succeeded");
    EventFeed.Page page = waiting.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("Deployment Succeeded"), types(page));

    CompletableFuture<EventFeed.Page> blocked =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return feed.read(1, 10, Duration.ofSeconds(30));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    feed.close();
    assertEquals(List.of(), types(blocked.get(10, TimeUnit.SECONDS)));
    add(feed, "after close");
    assertEquals(1, feed.last(), "nothing is recorded after close");
  }

  @Test
  void aWaitWithNothingComing_endsWhenItsTimeIsUp() throws Exception {
    EventFeed feed = EventFeed.withDefaults(Clock.systemUTC());
    long t0 = System.nanoTime();
    assertEquals(List.of(), types(feed.read(0, 10, Duration.ofMillis(200))));
    assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(200).toNanos());
  }
}
