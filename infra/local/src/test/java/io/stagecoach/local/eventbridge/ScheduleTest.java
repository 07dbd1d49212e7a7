package io.stagecoach.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScheduleTest {

  private static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void rate_firesEveryPeriodCountedFromWhenTheRuleWasLoaded() {
    Schedule rate =
        ((Schedule.Rate) Schedule.parse("rate(5 minutes)")).anchoredAt(at("2026-11-22T12:00:30Z"));
    assertEquals(at("2026-11-22T12:05:30Z"), rate.nextAfter(at("2026-11-22T12:00:30Z")));
    assertEquals(at("2026-11-22T12:10:30Z"), rate.nextAfter(at("2026-11-22T12:05:30Z")));
    assertEquals(at("2026-11-22T12:10:30Z"), rate.nextAfter(at("2026-11-22T12:07:00Z")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rate(1 minutes)",
        "rate(2 minute)",
        "rate(0 minutes)",
        "rate(-1 minutes)",
        "rate(1 week)",
        "rate(1.5 hours)",
        "rate(minutes)",
        "every 5 minutes",
        "rate(5 minutes"
      })
  void rate_isRejected_whenEventBridgeWouldRejectIt(String expression) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse(expression));
    assertTrue(e.getMessage().contains("ScheduleExpression"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // every day at 12:00 UTC
        "cron(0 12 * * ? *)            | 2026-11-22T11:59:00Z | 2026-11-22T12:00:00Z",
        "cron(0 12 * * ? *)            | 2026-11-22T12:00:00Z | 2026-11-23T12:00:00Z",
        // every 15 minutes
        "cron(0/15 * * * ? *)          | 2026-11-22T12:01:10Z | 2026-11-22T12:15:00Z",
        "cron(*/15 * * * ? *)          | 2026-11-22T12:45:00Z | 2026-11-22T13:00:00Z",
        // 10:15 Monday to Friday (2026-11-22 is a Sunday)
        "cron(15 10 ? * MON-FRI *)     | 2026-11-21T11:00:00Z | 2026-11-23T10:15:00Z",
        "cron(15 10 ? * 2-6 *)         | 2026-11-21T11:00:00Z | 2026-11-23T10:15:00Z",
        // last day of the month
        "cron(0 0 L * ? *)             | 2026-02-10T00:00:00Z | 2026-02-28T00:00:00Z",
        "cron(0 0 L * ? *)             | 2028-02-10T00:00:00Z | 2028-02-29T00:00:00Z",
        // weekday nearest the 1st: 2026-08-01 is a Saturday, so Monday the 3rd
        "cron(0 9 1W * ? *)            | 2026-07-15T00:00:00Z | 2026-08-03T09:00:00Z",
        // last weekday of the month: 2026-05-31 is a Sunday, so Friday the 29th
        "cron(0 9 LW * ? *)            | 2026-05-01T00:00:00Z | 2026-05-29T09:00:00Z",
        // second Tuesday (3#2), last Friday (6L), Saturday (L)
        "cron(0 18 ? * 3#2 *)          | 2026-11-01T00:00:00Z | 2026-11-10T18:00:00Z",
        "cron(0 18 ? * 6L *)           | 2026-11-01T00:00:00Z | 2026-11-27T18:00:00Z",
        "cron(0 18 ? * L *)            | 2026-11-22T00:00:00Z | 2026-11-28T18:00:00Z",
        // lists, named months, a year
        "cron(30 6,18 1 JAN,JUL ? 2027) | 2026-11-22T00:00:00Z | 2027-01-01T06:30:00Z",
        "cron(30 6,18 1 JAN,JUL ? 2027) | 2027-01-01T06:30:00Z | 2027-01-01T18:30:00Z",
        "cron(0 8 1-7 * ? 2027-2028)    | 2026-12-31T00:00:00Z | 2027-01-01T08:00:00Z"
      })
  void cron_nextFire_isTheFirstMatchingMinuteAfter(
      String expression, String after, String expected) {
    assertEquals(at(expected), Schedule.parse(expression.strip()).nextAfter(at(after)));
  }

  @Test
  void cron_withAPastYearOnly_neverFiresAgain() {
    assertNull(Schedule.parse("cron(0 0 1 1 ? 2020)").nextAfter(at("2026-11-22T00:00:00Z")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cron(0 12 * * * *)",
        "cron(0 12 ? * ? *)",
        "cron(0 12 * * ?)",
        "cron(60 12 * * ? *)",
        "cron(0 24 * * ? *)",
        "cron(0 12 32 * ? *)",
        "cron(0 12 * 13 ? *)",
        "cron(0 12 ? * 8 *)",
        "cron(0 12 ? * FOO *)",
        "cron(0 12 ? * 2#6 *)",
        "cron(5-1 12 * * ? *)",
        "cron(0 12 * * ? 1969)",
        "cron(0/0 * * * ? *)",
        "cron(a b c d e f)"
      })
  void cron_isRejected_whenEventBridgeWouldRejectIt(String expression) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse(expression));
    assertTrue(e.getMessage().contains(expression), e.getMessage());
  }
}
