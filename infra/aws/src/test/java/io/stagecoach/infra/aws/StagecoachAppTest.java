package io.stagecoach.infra.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings the app reads before it synthesizes; none of these tests synthesizes anything. */
class StagecoachAppTest {

  @TempDir Path dir;

  @Test
  void functionsJar_mustBeNamed_withAMessageThatSaysWhichVariable() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> StagecoachApp.functionsJar(Map.of()));

    assertTrue(e.getMessage().contains("STAGECOACH_FUNCTIONS_JAR"), e.getMessage());
  }

  @Test
  void functionsJar_mustExist_withAMessageThatSaysWhatToBuild() {
    Path missing = dir.resolve("stagecoach-functions-lambda.jar");

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                StagecoachApp.functionsJar(Map.of("STAGECOACH_FUNCTIONS_JAR", missing.toString())));

    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("functions"), e.getMessage());
  }

  @Test
  void throttling_defaultsTo50PerSecondWithABurstOf100_andTheAccountLogRoleIsManaged()
      throws IOException {
    StagecoachStack.Props props = StagecoachApp.stackProps(jar(), key -> null);

    assertEquals(new ApiThrottling(50, 100), props.throttling());
    assertTrue(props.manageAccountLogRole());
  }

  @Test
  void throttling_isOverriddenByContext_givenAsStringsOnTheCommandLine() throws IOException {
    Map<String, Object> context =
        Map.of(
            "stagecoach:apiThrottleRateLimit", "20.5",
            "stagecoach:apiThrottleBurstLimit", "40",
            "stagecoach:manageApiGatewayAccountLogRole", "false");

    StagecoachStack.Props props = StagecoachApp.stackProps(jar(), context::get);

    assertEquals(new ApiThrottling(20.5, 40), props.throttling());
    assertFalse(props.manageAccountLogRole());
  }

  @Test
  void throttling_isOverriddenByContext_givenAsJsonValues() throws IOException {
    Map<String, Object> context =
        Map.of(
            "stagecoach:apiThrottleRateLimit", 200,
            "stagecoach:apiThrottleBurstLimit", 400,
            "stagecoach:manageApiGatewayAccountLogRole", true);

    StagecoachStack.Props props = StagecoachApp.stackProps(jar(), context::get);

    assertEquals(new ApiThrottling(200, 400), props.throttling());
    assertTrue(props.manageAccountLogRole());
  }

  @Test
  void context_thatIsNotANumber_isRefusedByName() throws IOException {
    Path jar = jar();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                StagecoachApp.stackProps(
                    jar, Map.<String, Object>of("stagecoach:apiThrottleRateLimit", "fast")::get));

    assertTrue(e.getMessage().contains("stagecoach:apiThrottleRateLimit"), e.getMessage());
  }

  @Test
  void burstLimit_mustBeAWholeNumber() throws IOException {
    Path jar = jar();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StagecoachApp.stackProps(
                jar, Map.<String, Object>of("stagecoach:apiThrottleBurstLimit", "100.5")::get));
  }

  @Test
  void accountLogRoleFlag_acceptsOnlyTrueOrFalse() throws IOException {
    Path jar = jar();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            StagecoachApp.stackProps(
                jar,
                Map.<String, Object>of("stagecoach:manageApiGatewayAccountLogRole", "yes")::get));
  }

  @Test
  void stackProps_refuseCodeThatIsNotAJarOrZip() throws IOException {
    Path notAJar = Files.writeString(dir.resolve("handler.class"), "x");

    assertThrows(
        IllegalArgumentException.class, () -> StagecoachApp.stackProps(notAJar, key -> null));
  }

  private Path jar() throws IOException {
    return Files.writeString(dir.resolve("stagecoach-functions-lambda.jar"), "stand-in");
  }
}
