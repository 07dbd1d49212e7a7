package io.stagecoach.domain.pipeline;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * When a stage may receive releases: on {@code days}, from {@code start} to {@code end} (local time
 * in {@code zone}; an end before the start runs past midnight). Outside it, a promotion stops at
 * the gate ({@code window_closed}).
 */
public record DeploymentWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {

  public DeploymentWindow {
    days = days.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(days);
  }

  public boolean isOpenAt(Instant at) {
    ZonedDateTime local = at.atZone(zone);
    LocalTime time = local.toLocalTime();
    if (!start.isAfter(end)) {
      return days.contains(local.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
    }
    // Past midnight: the window that opened yesterday evening is still open this morning.
    if (!time.isBefore(start)) {
      return days.contains(local.getDayOfWeek());
    }
    return time.isBefore(end) && days.contains(local.getDayOfWeek().minus(1));
  }

  /**
   * The window as a policy writes it: days as their three-letter names, a run of three or more days
   * as a range ({@code mon–thu 09:00–16:00 Europe/London}, {@code mon, wed, fri ...}).
   */
  public String describe() {
    List<DayOfWeek> sorted = new ArrayList<>(days);
    List<String> parts = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int j = i;
      while (j + 1 < sorted.size()
          && sorted.get(j + 1).getValue() == sorted.get(j).getValue() + 1) {
        j++;
      }
      if (j - i >= 2) {
        parts.add(shortName(sorted.get(i)) + "\u2013" + shortName(sorted.get(j)));
      } else {
        for (int k = i; k <= j; k++) {
          parts.add(shortName(sorted.get(k)));
        }
      }
      i = j + 1;
    }
    return String.join(", ", parts) + " " + start + "\u2013" + end + " " + zone.getId();
  }

  /** When the window next opens at or after {@code at} ({@code at} itself when it is open). */
  public Instant nextOpening(Instant at) {
    if (isOpenAt(at)) {
      return at;
    }
    LocalDate day = at.atZone(zone).toLocalDate();
    for (int d = 0; d <= 8; d++) {
      LocalDate candidate = day.plusDays(d);
      if (days.contains(candidate.getDayOfWeek())) {
        Instant opens = candidate.atTime(start).atZone(zone).toInstant();
        if (!opens.isBefore(at)) {
          return opens;
        }
      }
    }
    throw new IllegalStateException("a window with no days never opens");
  }

  private static String shortName(DayOfWeek day) {
    return day.name().substring(0, 3).toLowerCase(Locale.ROOT);
  }
}
