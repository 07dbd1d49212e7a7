package io.stagecoach.local.eventbridge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The events the local buses received lately, in the order they came, for following the bus live
 * ({@code GET /_stagecoach/events}, {@code stagecoach events tail}). Each event gets a sequence
 * number, a reader's cursor; the feed keeps the newest {@code capacity} events (and at most {@code
 * maxBytes} of them), so a reader that falls behind is told how many it missed. Nothing here is
 * kept across a restart: the bus's deliveries have their own journal.
 */
public final class EventFeed {

  /**
   * One event as the bus received it: its number, when, on which bus, and the whole event as JSON
   * text (the text the bus delivers, so keeping it costs nothing more while it is delivered).
   */
  public record Item(long seq, Instant received, String bus, String event) {}

  /**
   * What a read found.
   *
   * @param items the events after the cursor, oldest first
   * @param next the cursor to read on from: the last item's number, or the cursor read from
   * @param missed how many events after the cursor are no longer kept (the reader fell behind)
   */
  public record Page(List<Item> items, long next, long missed) {}

  public static final int DEFAULT_CAPACITY = 1000;
  public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;

  private final int capacity;
  private final long maxBytes;
  private final Clock clock;
  private final ArrayDeque<Item> items = new ArrayDeque<>();
  private long lastSeq;
  private long bytes;
  private boolean closed;

  public EventFeed(int capacity, long maxBytes, Clock clock) {
    if (capacity < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("an event feed keeps at least one event");
    }
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  public static EventFeed withDefaults(Clock clock) {
    return new EventFeed(DEFAULT_CAPACITY, DEFAULT_MAX_BYTES, clock);
  }

  /** Records an event the bus {@code bus} received now, as JSON text. */
  public synchronized void add(String bus, String event) {
    if (closed) {
      return;
    }
    Item item = new Item(++lastSeq, clock.instant(), bus, event);
    items.addLast(item);
    bytes += event.length();
    // The newest event is always kept, even one larger than maxBytes on its own.
    while (items.size() > capacity || (bytes > maxBytes && items.size() > 1)) {
      bytes -= items.removeFirst().event().length();
    }
    notifyAll();
  }

  /** The number of the newest event so far (0 before the first): a cursor for "from now on". */
  public synchronized long last() {
    return lastSeq;
  }

  /**
   * The cursor just before the first kept event received at or after {@code since}: reading from it
   * gives those events.
   */
  public synchronized long before(Instant since) {
    for (Item item : items) {
      if (!item.received().isBefore(since)) {
        return item.seq() - 1;
      }
    }
    return lastSeq;
  }

  /**
   * The events after {@code after}, at most {@code limit}; when there are none yet, waits up to
   * {@code wait} for one (a long poll). Answers at once, empty, once the feed is closed.
   */
  public synchronized Page read(long after, int limit, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (lastSeq <= after && !closed) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      long millis = Math.max(1, left / 1_000_000);
      wait(millis);
    }
    List<Item> found = new ArrayList<>();
    for (Item item : items) {
      if (item.seq() > after) {
        if (found.size() == limit) {
          break;
        }
        found.add(item);
      }
    }
    if (found.isEmpty()) {
      return new Page(List.of(), after, 0);
    }
    return new Page(List.copyOf(found), found.getLast().seq(), found.getFirst().seq() - after - 1);
  }

  /** Wakes every waiting reader; no event is recorded after. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }
}
