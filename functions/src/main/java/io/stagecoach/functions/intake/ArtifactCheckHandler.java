package io.stagecoach.functions.intake;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.stagecoach.domain.registry.ArtifactCheck;
import io.stagecoach.functions.support.Json;
import io.stagecoach.functions.support.Log;
import io.stagecoach.functions.support.Settings;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The release intake's artifact check. The ReleaseIntake state machine invokes it with a task token
 * and waits; the check answers the token with SendTaskSuccess ({@code {"status":"checked"}}) or
 * SendTaskFailure ({@code ArtifactRejected}, with the reason). A token that is no longer awaited
 * (timed out, unknown) is logged and dropped: nobody is waiting for that answer any more.
 */
public final class ArtifactCheckHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  private static final Log LOG = Log.of(ArtifactCheckHandler.class);

  private final SfnClient stepFunctions;
  private final Clock clock;

  public ArtifactCheckHandler() {
    this(Settings.processEnvironment());
  }

  public ArtifactCheckHandler(Map<String, String> environment) {
    this(environment, Clock.systemUTC());
  }

  /**
   * The local cloud's constructor: the function's environment as the template declares it, and the
   * local cloud's clock (which can be moved).
   */
  public ArtifactCheckHandler(Map<String, String> environment, Clock clock) {
    this(Settings.fromEnvironment(environment).stepFunctions(), clock);
  }

  public ArtifactCheckHandler(SfnClient stepFunctions, Clock clock) {
    this.stepFunctions = stepFunctions;
    this.clock = clock;
  }

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    Object token = input.get("taskToken");
    if (!(token instanceof String taskToken) || taskToken.isBlank()) {
      // Without a token there is no one to answer; failing the invocation makes the mistake
      // visible.
      throw new IllegalArgumentException("the artifact check needs a taskToken");
    }
    Optional<String> rejection =
        ArtifactCheck.rejectionOf(text(input, "artifactUri"), text(input, "digest"));
    try {
      if (rejection.isEmpty()) {
        String output =
            Json.write(
                Json.object()
                    .put("status", "checked")
                    .put("checkedAt", clock.instant().toString()));
        stepFunctions.sendTaskSuccess(r -> r.taskToken(taskToken).output(output));
        return Map.of("status", "checked");
      }
      stepFunctions.sendTaskFailure(
          r -> r.taskToken(taskToken).error("ArtifactRejected").cause(rejection.get()));
      return Map.of("status", "rejected", "reason", rejection.get());
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException e) {
      LOG.warn("artifact check answer not awaited any more", "error", e.getClass().getSimpleName());
      return Map.of("status", "unanswered");
    }
  }

  private static String text(Map<String, Object> input, String name) {
    Object value = input.get(name);
    return value instanceof String s ? s : null;
  }
}
