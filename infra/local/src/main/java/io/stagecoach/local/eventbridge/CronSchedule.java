package io.stagecoach.local.eventbridge;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Locale;

/**
 * {@code cron(minutes hours day-of-month month day-of-week year)}, EventBridge's six-field cron in
 * UTC: lists, ranges, steps, {@code L}, {@code W} and {@code #}; day-of-week counts 1 = SUN to 7 =
 * SAT; one of day-of-month and day-of-week must be {@code ?}.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html#eb-cron-expressions
 */
public final class CronSchedule implements Schedule {

  private static final int FIRST_YEAR = 1970;
  private static final int LAST_YEAR = 2199;
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /**
   * Day-of-month: a set of days, or {@code L} (last), {@code LW} (last weekday), {@code nW}
   * (weekday nearest n).
   */
  private record DayOfMonth(
      boolean any, boolean[] days, boolean last, boolean lastWeekday, int nearestWeekdayTo) {}

  /**
   * Day-of-week: a set of days (1 = SUN), or {@code nL} (last such day of the month), or {@code
   * n#k}.
   */
  private record DayOfWeekField(boolean any, boolean[] days, int lastOf, int nth, int nthDay) {}

  private final String expression;
  // Allowed values, indexed by value.
  private final boolean[] minutes;
  private final boolean[] hours;
  private final DayOfMonth dayOfMonth;
  private final boolean[] months;
  private final DayOfWeekField dayOfWeek;
  private final boolean[] years;

  private CronSchedule(
      String expression,
      boolean[] minutes,
      boolean[] hours,
      DayOfMonth dayOfMonth,
      boolean[] months,
      DayOfWeekField dayOfWeek,
      boolean[] years) {
    this.expression = expression;
    this.minutes = minutes;
    this.hours = hours;
    this.dayOfMonth = dayOfMonth;
    this.months = months;
    this.dayOfWeek = dayOfWeek;
    this.years = years;
  }

  @Override
  public String expression() {
    return expression;
  }

  @Override
  public String toString() {
    return expression;
  }

  static CronSchedule parse(String e) {
    String body = e.substring("cron(".length(), e.length() - 1).strip();
    String[] f = body.split("\\s+");
    if (f.length != 6) {
      throw invalid(
          e,
          "it needs 6 fields (minutes hours day-of-month month day-of-week year), not " + f.length);
    }
    boolean domAny = f[2].equals("?");
    boolean dowAny = f[4].equals("?");
    if (domAny == dowAny) {
      throw invalid(e, "exactly one of day-of-month and day-of-week must be ?");
    }
    try {
      return new CronSchedule(
          e,
          values(f[0], 0, 59, null),
          values(f[1], 0, 23, null),
          dayOfMonth(f[2]),
          values(f[3], 1, 12, MONTHS),
          dayOfWeek(f[4]),
          values(f[5], FIRST_YEAR, LAST_YEAR, null));
    } catch (IllegalArgumentException ex) {
      throw invalid(e, ex.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String e, String why) {
    return new IllegalArgumentException(
        "Parameter ScheduleExpression is not valid: '" + e + "': " + why);
  }

  /**
   * A field of values, ranges and steps: {@code *}, {@code 5}, {@code 1-5}, {@code * /15}, {@code
   * 10-50/10}, lists of those.
   */
  private static boolean[] values(String field, int min, int max, List<String> names) {
    boolean[] allowed = new boolean[max + 1];
    for (String item : field.split(",", -1)) {
      String range = item;
      int step = 1;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        step = number(item.substring(slash + 1), 1, max, null, item);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", -1);
        if (ends.length != 2) {
          throw new IllegalArgumentException("'" + item + "' is not a range");
        }
        from = number(ends[0], min, max, names, item);
        to = number(ends[1], min, max, names, item);
        if (from > to) {
          throw new IllegalArgumentException("'" + item + "' runs backwards");
        }
      } else {
        from = number(range, min, max, names, item);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        allowed[v] = true;
      }
    }
    return allowed;
  }

  private static int number(String text, int min, int max, List<String> names, String item) {
    if (names != null) {
      int named = names.indexOf(text.toUpperCase(Locale.ROOT));
      if (named >= 0) {
        return named + 1;
      }
    }
    if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 4) {
      throw new IllegalArgumentException("'" + item + "' is not a number or name");
    }
    int v = Integer.parseInt(text);
    if (v < min || v > max) {
      throw new IllegalArgumentException("'" + item + "' is outside " + min + "-" + max);
    }
    return v;
  }

  private static DayOfMonth dayOfMonth(String f) {
    if (f.equals("?")) {
      return new DayOfMonth(true, null, false, false, 0);
    }
    if (f.equals("L")) {
      return new DayOfMonth(false, null, true, false, 0);
    }
    if (f.equals("LW")) {
      return new DayOfMonth(false, null, false, true, 0);
    }
    if (f.endsWith("W")) {
      return new DayOfMonth(
          false, null, false, false, number(f.substring(0, f.length() - 1), 1, 31, null, f));
    }
    return new DayOfMonth(false, values(f, 1, 31, null), false, false, 0);
  }

  private static DayOfWeekField dayOfWeek(String f) {
    if (f.equals("?")) {
      return new DayOfWeekField(true, null, 0, 0, 0);
    }
    if (f.equals("L")) {
      // L alone is the last day of the week, Saturday.
      return new DayOfWeekField(false, values("7", 1, 7, DAYS), 0, 0, 0);
    }
    if (f.endsWith("L")) {
      return new DayOfWeekField(
          false, null, number(f.substring(0, f.length() - 1), 1, 7, DAYS, f), 0, 0);
    }
    int hash = f.indexOf('#');
    if (hash >= 0) {
      int day = number(f.substring(0, hash), 1, 7, DAYS, f);
      int nth = number(f.substring(hash + 1), 1, 5, null, f);
      return new DayOfWeekField(false, null, 0, nth, day);
    }
    return new DayOfWeekField(false, values(f, 1, 7, DAYS), 0, 0, 0);
  }

  @Override
  public Instant nextAfter(Instant after) {
    LocalDateTime start =
        LocalDateTime.ofInstant(after, ZoneOffset.UTC)
            .truncatedTo(ChronoUnit.MINUTES)
            .plusMinutes(1);
    LocalDate day = start.toLocalDate();
    while (day.getYear() <= LAST_YEAR) {
      if (!years[day.getYear()]) {
        day = LocalDate.of(day.getYear() + 1, 1, 1);
        continue;
      }
      if (!months[day.getMonthValue()]) {
        day = day.withDayOfMonth(1).plusMonths(1);
        continue;
      }
      if (dayMatches(day)) {
        LocalTime from = day.equals(start.toLocalDate()) ? start.toLocalTime() : LocalTime.MIDNIGHT;
        LocalTime time = firstTimeFrom(from);
        if (time != null) {
          return LocalDateTime.of(day, time).toInstant(ZoneOffset.UTC);
        }
      }
      day = day.plusDays(1);
    }
    return null;
  }

  private LocalTime firstTimeFrom(LocalTime from) {
    for (int h = from.getHour(); h < 24; h++) {
      if (!hours[h]) {
        continue;
      }
      for (int m = h == from.getHour() ? from.getMinute() : 0; m < 60; m++) {
        if (minutes[m]) {
          return LocalTime.of(h, m);
        }
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDate day) {
    if (!dayOfMonth.any()) {
      LocalDate last = day.with(TemporalAdjusters.lastDayOfMonth());
      if (dayOfMonth.last()) {
        return day.equals(last);
      }
      if (dayOfMonth.lastWeekday()) {
        return day.equals(nearestWeekday(last, day.getMonthValue()));
      }
      if (dayOfMonth.nearestWeekdayTo() > 0) {
        int target = Math.min(dayOfMonth.nearestWeekdayTo(), last.getDayOfMonth());
        return day.equals(nearestWeekday(day.withDayOfMonth(target), day.getMonthValue()));
      }
      return dayOfMonth.days()[day.getDayOfMonth()];
    }
    int dow = day.getDayOfWeek().getValue() % 7 + 1; // 1 = SUN ... 7 = SAT
    if (dayOfWeek.lastOf() > 0) {
      return dow == dayOfWeek.lastOf() && day.plusWeeks(1).getMonthValue() != day.getMonthValue();
    }
    if (dayOfWeek.nth() > 0) {
      return dow == dayOfWeek.nthDay() && (day.getDayOfMonth() - 1) / 7 + 1 == dayOfWeek.nth();
    }
    return dayOfWeek.days()[dow];
  }

  /** The weekday nearest a date without leaving its month (the {@code W} rule). */
  private static LocalDate nearestWeekday(LocalDate date, int month) {
    DayOfWeek d = date.getDayOfWeek();
    if (d == DayOfWeek.SATURDAY) {
      LocalDate friday = date.minusDays(1);
      return friday.getMonthValue() == month ? friday : date.plusDays(2);
    }
    if (d == DayOfWeek.SUNDAY) {
      LocalDate monday = date.plusDays(1);
      return monday.getMonthValue() == month ? monday : date.minusDays(2);
    }
    return date;
  }
}
