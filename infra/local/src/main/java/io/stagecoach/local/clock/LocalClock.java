package io.stagecoach.local.clock;

import io.stagecoach.local.stepfunctions.asl.StepClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local cloud's time: the wall clock plus an offset that only grows. Everything in one local
 * cloud that reads time reads it here (functions, schedule rules, executions, the REST API), so
 * moving it forward ({@link #advance}) lets expiry, soak, windows and timeouts be tried without
 * waiting: a Wait state, a task token's timeout or a sleeping schedule whose instant the move
 * passes ends at once. It never moves back, so nothing that was recorded lies in its future.
 *
 * <p>Each local cloud has its own clock (several may run in one JVM). The offset is kept in a file
 * of the data directory, written before the move is visible, so a restarted local cloud keeps its
 * time.
 */
public final class LocalClock extends Clock implements StepClock {

  /** The file in the data directory that keeps the offset, as an ISO-8601 duration. */
  public static final String FILE_NAME = "clock";

  /** The farthest one move may go: more is a typo, not a test. */
  public static final Duration MAX_MOVE = Duration.ofDays(366);

  private static final Pattern AMOUNT = Pattern.compile("([0-9]{1,9})([smhd])");

  private final Clock wall;
  private final Optional<Path> file;
  private final Object moving = new Object();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Duration offset;

  /** Completed (and replaced) at each move: what waits on this clock's time wakes on it. */
  private volatile CompletableFuture<Void> moved = new CompletableFuture<>();

  private LocalClock(Clock wall, Optional<Path> file, Duration offset) {
    this.wall = wall;
    this.file = file;
    this.offset = offset;
  }

  /** A clock that is not kept anywhere (tests, benchmarks). */
  public static LocalClock inMemory(Clock wall) {
    return new LocalClock(wall, Optional.empty(), Duration.ZERO);
  }

  /**
   * The clock kept in {@code file}: the offset written there by an earlier run, or none.
   *
   * @throws IllegalStateException when the file holds no offset this clock can have
   */
  public static LocalClock open(Path file, Clock wall) {
    Duration kept = Duration.ZERO;
    if (Files.isRegularFile(file)) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the local cloud's clock from " + file, e);
      }
      try {
        kept = Duration.parse(text);
      } catch (DateTimeParseException e) {
        kept = Duration.ofSeconds(-1);
      }
      if (kept.isNegative()) {
        throw new IllegalStateException(
            file + " holds no clock offset (an ISO-8601 duration such as PT25H): '" + text + "'");
      }
    }
    return new LocalClock(wall, Optional.of(file), kept);
  }

  /**
   * {@code 90s}, {@code 30m}, {@code 25h}, {@code 3d}: an amount of time as the clock's route, the
   * CLI and {@code serve --clock-offset} take it. Empty when the text is none.
   */
  public static Optional<Duration> parseAmount(String text) {
    Matcher m = AMOUNT.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long n = Long.parseLong(m.group(1));
    return Optional.of(
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        });
  }

  /** How far this clock is ahead of the wall clock. */
  public Duration offset() {
    return offset;
  }

  /** The machine's time, which this clock is {@link #offset()} ahead of. */
  public Instant wallInstant() {
    return wall.instant();
  }

  @Override
  public Instant instant() {
    return wall.instant().plus(offset);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    LocalClock self = this;
    return new Clock() {
      @Override
      public Instant instant() {
        return self.instant();
      }

      @Override
      public ZoneId getZone() {
        return zone;
      }

      @Override
      public Clock withZone(ZoneId other) {
        return self.withZone(other);
      }
    };
  }

  /** Runs {@code listener} after each move (on the thread that moved the clock). */
  public void onMove(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Moves the clock {@code by} forward.
   *
   * @return the time it reads after the move
   * @throws Refused when {@code by} is not positive or more than {@link #MAX_MOVE}; the clock has
   *     not moved
   * @throws UncheckedIOException when the new offset could not be kept; the clock has not moved
   */
  public Instant advance(Duration by) {
    if (by.isNegative() || by.isZero()) {
      throw new Refused(
          "by", "the local cloud's clock only moves forward: give a positive amount, e.g. 25h");
    }
    if (by.compareTo(MAX_MOVE) > 0) {
      throw new Refused(
          "by", "one move goes at most " + MAX_MOVE.toDays() + " days; move again for more");
    }
    synchronized (moving) {
      setOffset(offset.plus(by));
    }
    return instant();
  }

  /**
   * Moves the clock forward to {@code at}.
   *
   * @throws Refused when {@code at} is before the time the clock reads (it never moves back) or
   *     more than {@link #MAX_MOVE} ahead; the clock has not moved
   */
  public Instant advanceTo(Instant at) {
    synchronized (moving) {
      Instant now = instant();
      if (at.isBefore(now)) {
        throw new Refused(
            "to",
            "the local cloud's clock never moves back: it reads " + now + ", which is after " + at);
      }
      Duration by = Duration.between(now, at);
      if (by.compareTo(MAX_MOVE) > 0) {
        throw new Refused(
            "to", "one move goes at most " + MAX_MOVE.toDays() + " days; move again for more");
      }
      setOffset(offset.plus(by));
    }
    return instant();
  }

  /**
   * Starts the clock {@code wanted} ahead of the wall clock ({@code serve --clock-offset}).
   *
   * @throws Refused when that is less than the offset kept from an earlier run (the clock would go
   *     back) or negative
   */
  public void startAhead(Duration wanted) {
    synchronized (moving) {
      if (wanted.isNegative()) {
        throw new Refused("clockOffset", "the clock offset must be 0 or more, e.g. 25h");
      }
      if (wanted.compareTo(offset) < 0) {
        throw new Refused(
            "clockOffset",
            "the local cloud's clock is already "
                + describe(offset)
                + " ahead"
                + file.map(f -> " (kept in " + f + ")").orElse("")
                + " and never moves back; give at least that, or leave --clock-offset out");
      }
      if (!wanted.equals(offset)) {
        setOffset(wanted);
      }
    }
  }

  /** {@code 25h}, {@code 1d 2h 30m 5s}: how people read an offset. */
  public static String describe(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      out.append(days).append("d ");
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append("h ");
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append("m ");
    }
    if (d.toSecondsPart() > 0 || out.isEmpty()) {
      out.append(d.toSecondsPart()).append("s ");
    }
    return out.toString().trim();
  }

  /** Keeps the offset first, then makes it visible, then wakes whatever waits on this clock. */
  private void setOffset(Duration next) {
    if (file.isPresent()) {
      write(file.get(), next);
    }
    offset = next;
    CompletableFuture<Void> waking = moved;
    moved = new CompletableFuture<>();
    waking.complete(null);
    for (Runnable listener : listeners) {
      listener.run();
    }
  }

  private static void write(Path file, Duration offset) {
    try {
      Path fresh = file.resolveSibling(file.getFileName() + ".new");
      Files.writeString(fresh, offset + "\n", StandardCharsets.UTF_8);
      Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the local cloud's clock in " + file, e);
    }
  }

  // ------------------------------------------------------------ time as executions see it

  @Override
  public Instant now() {
    return instant();
  }

  /** Unmoved, this clock runs as fast as the wall clock. */
  @Override
  public Duration realDuration(Duration executionTime) {
    return executionTime;
  }

  @Override
  public void sleep(Duration executionTime) throws InterruptedException {
    sleepUntil(instant().plus(executionTime));
  }

  @Override
  public void sleepUntil(Instant at) throws InterruptedException {
    while (true) {
      // Taken before the time is read: a move in between completes it, so no move is missed.
      CompletableFuture<Void> signal = moved;
      Duration left = Duration.between(instant(), at);
      if (!left.isPositive()) {
        return;
      }
      try {
        signal.get(left.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Time passed, or the clock moved: look again.
      }
    }
  }

  @Override
  public <T> T await(CompletableFuture<T> answer, Instant deadline)
      throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      CompletableFuture<Void> signal = moved;
      if (answer.isDone()) {
        return answer.get();
      }
      Duration left = Duration.between(instant(), deadline);
      if (!left.isPositive()) {
        throw new TimeoutException();
      }
      try {
        CompletableFuture.anyOf(answer, signal).get(left.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Time passed, the clock moved, or the answer failed: look again.
      }
    }
  }

  @Override
  public String toString() {
    return "LocalClock[" + instant() + ", " + describe(offset) + " ahead]";
  }

  /** A move this clock does not make; {@code field} names what was asked for. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;

    Refused(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }
}
