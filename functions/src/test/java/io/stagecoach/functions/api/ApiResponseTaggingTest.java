package io.stagecoach.functions.api;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A polled view answers 304 while its content has not changed (RFC 9110 If-None-Match). */
class ApiResponseTaggingTest {

  private static final ApiResponse RUNNING =
      new ApiResponse(200, Map.of("Content-Type", "application/json"), "{\"status\":\"running\"}");
  private static final ApiResponse DONE =
      new ApiResponse(
          200, Map.of("Content-Type", "application/json"), "{\"status\":\"succeeded\"}");

  @Test
  void aViewIsTaggedByItsContent_soTheSameContentHasTheSameTag_andOtherContentAnother() {
    String tag = RUNNING.taggedByContent(Optional.empty()).headers().get("ETag");

    assertTrue(tag.matches("\"[0-9a-f]{32}\""), tag);
    assertEquals(tag, RUNNING.taggedByContent(Optional.empty()).headers().get("ETag"));
    assertNotEquals(tag, DONE.taggedByContent(Optional.empty()).headers().get("ETag"));
  }

  @Test
  void theTagSentBack_answers304WithoutABody_whileNothingChanged() {
    String tag = RUNNING.taggedByContent(Optional.empty()).headers().get("ETag");

    ApiResponse again = RUNNING.taggedByContent(Optional.of(tag));
    assertEquals(304, again.status());
    assertEquals("", again.body());
    assertEquals(tag, again.headers().get("ETag"));

    ApiResponse changed = DONE.taggedByContent(Optional.of(tag));
    assertEquals(200, changed.status());
    assertEquals(DONE.body(), changed.body());
  }

  @Test
  void ifNoneMatch_isAListComparedWeakly_orAStar() {
    String tag = RUNNING.taggedByContent(Optional.empty()).headers().get("ETag");

    assertEquals(304, RUNNING.taggedByContent(Optional.of("\"x\", W/" + tag)).status());
    assertEquals(304, RUNNING.taggedByContent(Optional.of("*")).status());
    assertEquals(200, RUNNING.taggedByContent(Optional.of("\"x\"")).status());
  }

  @Test
  void aProblem_isNeverTagged() {
    ApiResponse problem = ApiResponse.problem(404, "not_found", "Not found", "no promotion", "/x");

    assertSame(problem, problem.taggedByContent(Optional.of("*")));
  }
}
