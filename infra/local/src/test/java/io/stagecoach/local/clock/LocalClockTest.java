package io.stagecoach.local.clock;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cloud's clock: the wall clock plus an offset that only grows, kept in the data
 * directory, and waking whatever waits on it when it is moved.
 */
class LocalClockTest {

  private static final Instant WALL = Instant.parse("2030-03-04T10:00:00Z");
  private static final Clock FIXED_WALL = Clock.fixed(WALL, ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void advancing_movesItsTimeAheadOfTheWallClock_andKeepsTheOffsetForTheNextStart() {
    LocalClock clock = LocalClock.open(dir.resolve("clock"), FIXED_WALL);
    assertEquals(WALL, clock.instant());

    assertEquals(WALL.plus(Duration.ofHours(25)), clock.advance(Duration.ofHours(25)));
    clock.advanceTo(WALL.plus(Duration.ofHours(26)));

    assertEquals(Duration.ofHours(26), clock.offset());
    assertEquals(WALL.plus(Duration.ofHours(26)), clock.now());
    LocalClock restarted = LocalClock.open(dir.resolve("clock"), FIXED_WALL);
    assertEquals(
        Duration.ofHours(26), restarted.offset(), "a restarted local cloud keeps its time");
  }

  @Test
  void movingBack_zero_orMoreThanAYear_isRefused_andNothingMoves() throws Exception {
    LocalClock clock = LocalClock.open(dir.resolve("clock"), FIXED_WALL);
    clock.advance(Duration.ofHours(1));
    String kept = Files.readString(dir.resolve("clock"));

    LocalClock.Refused back = assertThrows(LocalClock.Refused.class, () -> clock.advanceTo(WALL));
    assertEquals("to", back.field());
    assertTrue(back.getMessage().contains("never moves back"), back.getMessage());
    assertEquals(
        "by", assertThrows(LocalClock.Refused.class, () -> clock.advance(Duration.ZERO)).field());
    assertThrows(LocalClock.Refused.class, () -> clock.advance(Duration.ofMinutes(-5)));
    assertThrows(LocalClock.Refused.class, () -> clock.advance(Duration.ofDays(367)));
    assertThrows(LocalClock.Refused.class, () -> clock.advanceTo(WALL.plus(Duration.ofDays(400))));

    assertEquals(Duration.ofHours(1), clock.offset());
    assertEquals(kept, Files.readString(dir.resolve("clock")));
  }

  @Test
  void startingAhead_lessThanTheKeptOffset_isRefused_more_movesItThere() {
    LocalClock first = LocalClock.open(dir.resolve("clock"), FIXED_WALL);
    first.advance(Duration.ofHours(5));

    LocalClock second = LocalClock.open(dir.resolve("clock"), FIXED_WALL);
    LocalClock.Refused refused =
        assertThrows(LocalClock.Refused.class, () -> second.startAhead(Duration.ofHours(2)));
    assertTrue(refused.getMessage().contains("5h ahead"), refused.getMessage());
    assertEquals(Duration.ofHours(5), second.offset());

    second.startAhead(Duration.ofHours(7));
    assertEquals(Duration.ofHours(7), LocalClock.open(dir.resolve("clock"), FIXED_WALL).offset());
  }

  @Test
  void aFileThatHoldsNoOffset_isSaidSo() throws Exception {
    Files.writeString(dir.resolve("clock"), "tomorrow\n");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> LocalClock.open(dir.resolve("clock"), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("tomorrow"), e.getMessage());
  }

  @Test
  void amounts_areSecondsMinutesHoursOrDays() {
    assertEquals(Duration.ofSeconds(90), LocalClock.parseAmount("90s").orElseThrow());
    assertEquals(Duration.ofMinutes(10), LocalClock.parseAmount("10m").orElseThrow());
    assertEquals(Duration.ofHours(25), LocalClock.parseAmount(" 25h ").orElseThrow());
    assertEquals(Duration.ofDays(3), LocalClock.parseAmount("3d").orElseThrow());
    for (String bad : new String[] {"", "-1h", "1.5h", "25", "h", "1w", "PT1H", "1h30m"}) {
      assertTrue(LocalClock.parseAmount(bad).isEmpty(), bad);
    }
    assertEquals("1d 1h", LocalClock.describe(Duration.ofHours(25)));
    assertEquals("10m", LocalClock.describe(Duration.ofMinutes(10)));
    assertEquals("0s", LocalClock.describe(Duration.ZERO));
  }

  @Test
  void aSleepAnHourLong_endsAsSoonAsTheClockIsMovedPastIt() throws Exception {
    LocalClock clock = LocalClock.inMemory(Clock.systemUTC());
    Instant wakeAt = clock.instant().plus(Duration.ofHours(1));
    CountDownLatch woke = new CountDownLatch(1);
    Thread sleeper =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    clock.sleepUntil(wakeAt);
                    woke.countDown();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    clock.advance(Duration.ofMinutes(30));
    assertFalse(woke.await(200, TimeUnit.MILLISECONDS), "half way there, it sleeps on");
    clock.advance(Duration.ofMinutes(31));
    assertTrue(woke.await(5, TimeUnit.SECONDS), "moved past its end, it wakes");
    sleeper.join();
  }

  @Test
  void aWaitForAnAnswer_timesOutWhenTheClockPassesItsDeadline_andReturnsAnAnswerThatCame()
      throws Exception {
    LocalClock clock = LocalClock.inMemory(Clock.systemUTC());
    CompletableFuture<String> never = new CompletableFuture<>();
    AtomicReference<Throwable> ended = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    // The deadline is read before the move: the waiting thread may start after it.
    java.time.Instant deadline = clock.instant().plus(Duration.ofHours(4));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                clock.await(never, deadline);
              } catch (Exception e) {
                ended.set(e);
              }
              done.countDown();
            });
    clock.advance(Duration.ofHours(4));
    assertTrue(done.await(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, ended.get());

    CompletableFuture<String> answered = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> answered.complete("approved"));
    assertEquals("approved", clock.await(answered, clock.instant().plus(Duration.ofHours(1))));
    CompletableFuture<String> failed = CompletableFuture.failedFuture(new IllegalStateException());
    assertThrows(
        ExecutionException.class, () -> clock.await(failed, clock.instant().plusSeconds(60)));
  }

  @Test
  void aSleeper_canBeInterrupted() throws Exception {
    LocalClock clock = LocalClock.inMemory(Clock.systemUTC());
    AtomicReference<Throwable> ended = new AtomicReference<>();
    Thread sleeper =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    clock.sleep(Duration.ofDays(1));
                  } catch (InterruptedException e) {
                    ended.set(e);
                  }
                });
    sleeper.interrupt();
    sleeper.join(5000);
    assertInstanceOf(InterruptedException.class, ended.get());
  }

  @Test
  void twoLocalClouds_haveTwoClocks_andAMoveTellsOnlyItsOwnListeners() {
    LocalClock one = LocalClock.inMemory(FIXED_WALL);
    LocalClock other = LocalClock.inMemory(FIXED_WALL);
    AtomicInteger told = new AtomicInteger();
    other.onMove(told::incrementAndGet);

    one.advance(Duration.ofDays(2));

    assertEquals(WALL.plus(Duration.ofDays(2)), one.instant());
    assertEquals(WALL, other.instant());
    assertEquals(0, told.get());
    other.advance(Duration.ofSeconds(1));
    assertEquals(1, told.get());
  }
}
