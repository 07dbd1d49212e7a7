package io.stagecoach.local.eventbridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventPatternTest {

  private static final String DEPLOYMENT_REQUESTED =
      """
      {"version":"0","id":"1","detail-type":"Deployment Requested","source":"stagecoach","account":"000000000000",
       "time":"2026-11-22T12:00:00Z","region":"us-east-1","resources":[],
       "detail":{"tier":"prod","app":"shop","attempt":3}}""";

  @Test
  void matches_whenEveryFieldOfThePatternMatches() {
    EventPattern pattern =
        EventPattern.compile(
            """
        {"source":["stagecoach"],"detail":{"tier":["prod"],"attempt":[{"numeric":[">",2]}]}}""");
    assertTrue(pattern.matches(DEPLOYMENT_REQUESTED));
  }

  @Test
  void doesNotMatch_whenOneFieldDiffers() {
    assertFalse(
        EventPattern.compile("{\"detail\":{\"tier\":[\"dev\"]}}").matches(DEPLOYMENT_REQUESTED));
  }

  @Test
  void compile_isRejected_withTheReason_whenAnOperatorIsUnknown() {
    InvalidEventPatternException e =
        assertThrows(
            InvalidEventPatternException.class,
            () -> EventPattern.compile("{\"detail\":{\"tier\":[{\"sounds-like\":\"prod\"}]}}"));
    assertTrue(e.getMessage().contains("sounds-like"), e.getMessage());
  }

  @Test
  void compile_isRejected_whenThePatternIsNotAnObject() {
    assertThrows(
        InvalidEventPatternException.class, () -> EventPattern.compile("[\"stagecoach\"]"));
    assertThrows(InvalidEventPatternException.class, () -> EventPattern.compile("{\"source\": "));
  }

  @Test
  void compile_isRejected_whenAWildcardIsTooComplexForEventBridge() {
    InvalidEventPatternException e =
        assertThrows(
            InvalidEventPatternException.class,
            () ->
                EventPattern.compile("{\"resources\":[{\"wildcard\":\"*:*:*:*:*:event-bus/*\"}]}"));
    assertTrue(e.getMessage().contains("too complex"), e.getMessage());
  }

  @Test
  void eventWithoutTheEnvelope_isNotAValidTestEvent() {
    assertTrue(EventPattern.problemWithEvent("{\"detail\":{}}").isPresent());
    assertTrue(EventPattern.problemWithEvent("[1]").isPresent());
    assertFalse(EventPattern.problemWithEvent(DEPLOYMENT_REQUESTED).isPresent());
  }
}
