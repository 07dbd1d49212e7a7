package io.stagecoach.cli.client;

import java.util.List;
import java.util.Optional;

/**
 * The API refused a request: its status and, from the {@code application/problem+json} body, the
 * stable {@code code}, the {@code detail} and the fields at fault. An answer without a problem body
 * (a proxy's 502, say) has no code and a detail made from the status.
 */
public final class ApiProblem extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** One field at fault, as the API names it. */
  public record FieldError(String field, String message) {}

  private final int status;
  private final String code;
  private final String detail;
  private final transient List<FieldError> errors;

  public ApiProblem(int status, String code, String detail, List<FieldError> errors) {
    super("HTTP " + status + (code == null ? "" : " " + code) + ": " + detail);
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = List.copyOf(errors);
  }

  public int status() {
    return status;
  }

  public Optional<String> code() {
    return Optional.ofNullable(code);
  }

  public String detail() {
    return detail;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public ApiProblem withDetail(String newDetail) {
    return new ApiProblem(status, code, newDetail, errors);
  }
}
