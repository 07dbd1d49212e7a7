package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.cli.client.ApiProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API's stable codes decide the exit code; the HTTP status decides when a gateway answered
 * without one.
 */
class CliExitCodeTest {

  static int exit(int status, String code) {
    return ExitCode.of(new ApiProblem(status, code, "detail", List.of()));
  }

  @Test
  void everyStableCode_hasItsExitCode() {
    assertEquals(2, exit(400, "validation_failed"));
    assertEquals(2, exit(405, "validation_failed"));
    assertEquals(4, exit(404, "not_found"));
    for (String refusal :
        List.of(
            "conflict",
            "forbidden",
            "unauthorized",
            "self_approval",
            "protected",
            "frozen",
            "window_closed",
            "order_violation",
            "promotion_required")) {
      assertEquals(3, exit(409, refusal), refusal);
    }
    assertEquals(1, exit(429, "throttled"));
    assertEquals(1, exit(503, "internal_error"));
  }

  @Test
  void withoutACode_theStatusDecides() {
    assertEquals(2, exit(400, null));
    assertEquals(2, exit(422, null));
    assertEquals(3, exit(401, null));
    assertEquals(3, exit(403, null));
    assertEquals(3, exit(409, null));
    assertEquals(4, exit(404, null));
    assertEquals(1, exit(500, null));
    assertEquals(1, exit(502, null));
  }
}
