package io.stagecoach.domain.common;

import java.util.List;

/**
 * A business refusal, returned as a value (never thrown): the caller maps it to an HTTP problem, a
 * Slack reply or a failed step. {@code code} is one of the stable codes the API documents.
 */
public record Rejection(Code code, String detail, List<FieldError> errors) {

  public enum Code {
    VALIDATION_FAILED,
    NOT_FOUND,
    CONFLICT,
    ORDER_VIOLATION,
    PROMOTION_REQUIRED,
    FORBIDDEN,
    SELF_APPROVAL,
    PROTECTED,
    FROZEN,
    WINDOW_CLOSED,
    /** An ephemeral environment past its expiry: closed to releases until extended. */
    EXPIRED,
    /**
     * A stage that blocks on drift held a promotion longer than the stage waits: its environment
     * stayed drifted.
     */
    DRIFTED,
    UNAUTHORIZED;

    /** The wire form: {@code validation_failed}, {@code not_found}, ... */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Rejection {
    errors = List.copyOf(errors);
  }

  /**
   * This rejection with {@code field} called {@code as}: a surface names some fields in its own
   * words (an HTTP header, a command option).
   */
  public Rejection withFieldNamed(String field, String as) {
    if (errors.stream().noneMatch(e -> e.field().equals(field))) {
      return this;
    }
    List<FieldError> renamed =
        errors.stream()
            .map(e -> e.field().equals(field) ? new FieldError(as, e.message()) : e)
            .toList();
    return code == Code.VALIDATION_FAILED ? invalid(renamed) : new Rejection(code, detail, renamed);
  }

  public static Rejection invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid";
    return new Rejection(Code.VALIDATION_FAILED, detail, errors);
  }

  public static Rejection invalid(String field, String message) {
    return invalid(List.of(new FieldError(field, message)));
  }

  public static Rejection notFound(String detail) {
    return new Rejection(Code.NOT_FOUND, detail, List.of());
  }

  public static Rejection conflict(String detail) {
    return new Rejection(Code.CONFLICT, detail, List.of());
  }

  public static Rejection of(Code code, String detail) {
    return new Rejection(code, detail, List.of());
  }
}
