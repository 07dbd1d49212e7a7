package io.stagecoach.infra.aws;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiThrottlingTest {

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void rateLimit_mustBePositive(final double rate) {
    assertThrows(IllegalArgumentException.class, () -> new ApiThrottling(rate, 100));
  }

  @Test
  void burstLimit_mustBeAtLeastOne() {
    assertThrows(IllegalArgumentException.class, () -> new ApiThrottling(0.5, 0));
  }

  @Test
  void burstLimit_belowTheRate_isRefused_becauseASteadyLoadAtTheLimitWouldBeThrottled() {
    assertThrows(IllegalArgumentException.class, () -> new ApiThrottling(50, 10));
  }

  @Test
  void burstLimit_equalToTheRate_isAccepted() {
    assertDoesNotThrow(() -> new ApiThrottling(50, 50));
  }
}
