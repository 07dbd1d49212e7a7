package io.stagecoach.infra.aws;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.apigateway.ResponseType;

/**
 * An answer API Gateway gives on its own (no function ran: bad token, throttled, unknown path),
 * shaped as the RFC 9457 problem document the API function answers with, so that clients parse one
 * error format.
 *
 * <p>The body is a literal: a gateway response template is a VTL template, and without {@code $} or
 * {@code #} in it API Gateway sends it unchanged. {@code status} is left out of the body of the
 * catch-all responses, which keep API Gateway's status: RFC 9457 makes the member optional, and a
 * fixed number could contradict the real status.
 *
 * @param type the API Gateway response type
 * @param statusCode the HTTP status to answer, or empty to keep API Gateway's
 * @param code Stagecoach's stable error code, as in the API's problem documents
 * @param title short, human-readable summary of the problem type
 * @param detail explanation for this occurrence
 */
public record GatewayProblem(
    ResponseType type, Optional<Integer> statusCode, String code, String title, String detail) {

  public static final String CONTENT_TYPE = "application/problem+json";
  public static final String TYPE_PREFIX = "urn:stagecoach:problem:";

  private static final Pattern CODE = Pattern.compile("^[a-z][a-z_]*$");
  // Plain text only: no JSON escapes needed, nothing VTL would evaluate.
  private static final Pattern PLAIN_TEXT = Pattern.compile("^[^\"\\\\$#\\p{Cntrl}]+$");

  public GatewayProblem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(statusCode, "statusCode");
    statusCode.ifPresent(
        status -> {
          if (status < 400 || status > 599) {
            throw new IllegalArgumentException(
                "a problem's status must be 4xx or 5xx, got " + status);
          }
        });
    if (code == null || !CODE.matcher(code).matches()) {
      throw new IllegalArgumentException("code must be lower_snake_case, got '" + code + "'");
    }
    requirePlainText("title", title);
    requirePlainText("detail", detail);
  }

  /** What Stagecoach answers instead of API Gateway's {@code {"message": ...}} bodies. */
  public static final List<GatewayProblem> ALL =
      List.of(
          new GatewayProblem(
              ResponseType.UNAUTHORIZED,
              Optional.of(401),
              "unauthorized",
              "Unauthorized",
              "A valid bearer token is required in the Authorization header."),
          new GatewayProblem(
              ResponseType.ACCESS_DENIED,
              Optional.of(403),
              "forbidden",
              "Forbidden",
              "The token does not allow this request."),
          // API Gateway answers "Missing Authentication Token" for any path or method it has no
          // route for.
          new GatewayProblem(
              ResponseType.MISSING_AUTHENTICATION_TOKEN,
              Optional.of(404),
              "not_found",
              "Not Found",
              "No route matches this method and path."),
          new GatewayProblem(
              ResponseType.AUTHORIZER_FAILURE,
              Optional.of(500),
              "internal_error",
              "Internal Server Error",
              "The request could not be authorized because of an internal error."),
          new GatewayProblem(
              ResponseType.THROTTLED,
              Optional.of(429),
              "throttled",
              "Too Many Requests",
              "The request rate is over the limit; retry later."),
          new GatewayProblem(
              ResponseType.REQUEST_TOO_LARGE,
              Optional.of(413),
              "validation_failed",
              "Content Too Large",
              "The request is larger than API Gateway accepts."),
          new GatewayProblem(
              ResponseType.DEFAULT_4_XX,
              Optional.empty(),
              "validation_failed",
              "Bad Request",
              "The request was rejected before it reached Stagecoach."),
          new GatewayProblem(
              ResponseType.DEFAULT_5_XX,
              Optional.empty(),
              "internal_error",
              "Internal Server Error",
              "The request failed before it reached Stagecoach."));

  /** The problem document, as the gateway response template. */
  public String body() {
    StringBuilder json =
        new StringBuilder()
            .append("{\"type\":\"")
            .append(TYPE_PREFIX)
            .append(code)
            .append('"')
            .append(",\"title\":\"")
            .append(title)
            .append('"');
    statusCode.ifPresent(status -> json.append(",\"status\":").append(status));
    return json.append(",\"code\":\"")
        .append(code)
        .append('"')
        .append(",\"detail\":\"")
        .append(detail)
        .append('"')
        .append('}')
        .toString();
  }

  private static void requirePlainText(final String name, final String value) {
    if (value == null || !PLAIN_TEXT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          name + " must be plain text without quotes, backslashes, '$' or '#'");
    }
  }
}
