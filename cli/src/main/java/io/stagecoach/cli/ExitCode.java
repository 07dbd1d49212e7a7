package io.stagecoach.cli;

import io.stagecoach.cli.client.ApiProblem;
import java.util.Set;

/**
 * The CLI's exit codes: scripts branch on them, so they are part of its contract (README, help
 * footer).
 */
final class ExitCode {

  static final int OK = 0;

  /** The server failed, could not be reached, or what was followed ended badly. */
  static final int FAILED = 1;

  /** The command line or the request was not valid. */
  static final int INVALID = 2;

  /** Refused: not allowed, or in conflict with the current state. */
  static final int REFUSED = 3;

  static final int NOT_FOUND = 4;

  // The help footer's lines, shared by the commands' annotations.
  static final String HEADING = "%nExit codes:%n";
  static final String OK_LINE = "0:ok";
  static final String FAILED_LINE =
      "1:failed: server error, endpoint unreachable, or a followed deployment or promotion failed";
  static final String INVALID_LINE =
      "2:invalid input: command-line misuse, or the API's validation_failed (400)";
  static final String REFUSED_LINE =
      "3:refused: unauthorized, forbidden, conflict, protected, frozen, window closed,"
          + " self approval, order violation, promotion required (401, 403, 409)";
  static final String NOT_FOUND_LINE = "4:not found (404)";

  private static final Set<String> REFUSALS =
      Set.of(
          "conflict",
          "forbidden",
          "unauthorized",
          "self_approval",
          "protected",
          "frozen",
          "window_closed",
          "order_violation",
          "promotion_required");

  private ExitCode() {}

  /**
   * The stable code decides when there is one; the status otherwise (a gateway's own answers have
   * none).
   */
  static int of(ApiProblem problem) {
    String code = problem.code().orElse("");
    if (code.equals("validation_failed")) {
      return INVALID;
    }
    if (code.equals("not_found")) {
      return NOT_FOUND;
    }
    if (REFUSALS.contains(code)) {
      return REFUSED;
    }
    return switch (problem.status()) {
      case 400, 422 -> INVALID;
      case 401, 403, 409 -> REFUSED;
      case 404 -> NOT_FOUND;
      default -> FAILED;
    };
  }
}
