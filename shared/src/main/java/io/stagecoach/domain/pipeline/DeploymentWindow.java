package io.stagecoach.domain.pipeline;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
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
}
