package io.stagecoach.infra.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Names the stack derives at synth time; none of these tests synthesizes anything. */
class StagecoachStackTest {

  @Test
  void busName_isTheStackNameInLowercase_followedByEvents() {
    assertEquals("stagecoach-events", StagecoachStack.busName("Stagecoach"));
    assertEquals("stagecoach-staging-events", StagecoachStack.busName("Stagecoach-Staging"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "${Token[AWS.StackName.0]}", "1stack", "stage coach"})
  void busName_isRefused_forAStackNameThatIsNotALiteralCloudFormationName(final String stackName) {
    assertThrows(IllegalArgumentException.class, () -> StagecoachStack.busName(stackName));
  }

  @Test
  void promotionStateMachineName_isTheStackNameInLowercase_followedByPromotion() {
    assertEquals("stagecoach-promotion", StagecoachStack.promotionStateMachineName("Stagecoach"));
    assertEquals(
        "stagecoach-staging-promotion",
        StagecoachStack.promotionStateMachineName("Stagecoach-Staging"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "${Token[AWS.StackName.0]}", "1stack", "stage coach"})
  void promotionStateMachineName_isRefused_forAStackNameThatIsNotALiteralCloudFormationName(
      final String stackName) {
    assertThrows(
        IllegalArgumentException.class, () -> StagecoachStack.promotionStateMachineName(stackName));
  }
}
