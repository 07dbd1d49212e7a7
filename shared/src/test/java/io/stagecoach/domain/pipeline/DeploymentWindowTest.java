package io.stagecoach.domain.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class DeploymentWindowTest {

  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final DeploymentWindow MON_THU =
      new DeploymentWindow(
          EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.THURSDAY),
          LocalTime.of(9, 0),
          LocalTime.of(16, 0),
          LONDON);

  @Test
  void aWindow_isDescribedAsAPolicyWritesIt() {
    assertEquals("mon\u2013thu 09:00\u201316:00 Europe/London", MON_THU.describe());
    assertEquals(
        "mon, wed, fri 22:00\u201302:00 UTC",
        new DeploymentWindow(
                EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY),
                LocalTime.of(22, 0),
                LocalTime.of(2, 0),
                ZoneId.of("UTC"))
            .describe());
    assertEquals(
        "sat, sun 09:00\u201310:00 UTC",
        new DeploymentWindow(
                EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
                LocalTime.of(9, 0),
                LocalTime.of(10, 0),
                ZoneId.of("UTC"))
            .describe());
  }

  @Test
  void theNextOpening_isTheNextAllowedDaysStart_orNowWhenOpen() {
    // Friday 2026-12-04 17:00 London: closed until Monday 09:00.
    assertEquals(
        Instant.parse("2026-12-07T09:00:00Z"),
        MON_THU.nextOpening(Instant.parse("2026-12-04T17:00:00Z")));
    // Tuesday 07:00: opens the same day at 09:00.
    assertEquals(
        Instant.parse("2026-12-08T09:00:00Z"),
        MON_THU.nextOpening(Instant.parse("2026-12-08T07:00:00Z")));
    // Tuesday 10:00 in summer time: open now.
    Instant open = Instant.parse("2026-06-09T09:00:00Z");
    assertTrue(MON_THU.isOpenAt(open));
    assertEquals(open, MON_THU.nextOpening(open));
    // Thursday 16:30 in summer time (15:30Z): next is Monday 09:00 BST = 08:00Z.
    assertEquals(
        Instant.parse("2026-06-15T08:00:00Z"),
        MON_THU.nextOpening(Instant.parse("2026-06-11T15:30:00Z")));
  }
}
