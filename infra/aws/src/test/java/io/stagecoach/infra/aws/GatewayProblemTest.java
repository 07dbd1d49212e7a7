package io.stagecoach.infra.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.services.apigateway.ResponseType;

/** Synth-time validation of the problem documents API Gateway answers with. */
class GatewayProblemTest {

  @ParameterizedTest
  @ValueSource(strings = {"say \"hi\"", "back\\slash", "costs $1", "#set($x = 1)", "line\nbreak"})
  void text_thatJsonOrTheTemplateEngineWouldInterpret_isRefused(final String detail) {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GatewayProblem(
                ResponseType.THROTTLED,
                Optional.of(429),
                "throttled",
                "Too Many Requests",
                detail));
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 302, 399, 600})
  void status_mustBeAnErrorStatus(final int status) {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GatewayProblem(
                ResponseType.THROTTLED,
                Optional.of(status),
                "throttled",
                "Too Many Requests",
                "Retry later."));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Throttled", "too-many", "", "429"})
  void code_mustBeLowerSnakeCase(final String code) {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new GatewayProblem(
                ResponseType.THROTTLED,
                Optional.of(429),
                code,
                "Too Many Requests",
                "Retry later."));
  }

  @Test
  void body_leavesStatusOut_whenApiGatewayKeepsItsOwn() {
    GatewayProblem problem =
        new GatewayProblem(
            ResponseType.DEFAULT_4_XX,
            Optional.empty(),
            "validation_failed",
            "Bad Request",
            "Rejected.");

    assertEquals(
        "{\"type\":\"urn:stagecoach:problem:validation_failed\",\"title\":\"Bad Request\","
            + "\"code\":\"validation_failed\",\"detail\":\"Rejected.\"}",
        problem.body());
  }
}
