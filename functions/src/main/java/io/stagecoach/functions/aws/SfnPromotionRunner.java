package io.stagecoach.functions.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.deployment.Deployment;
import io.stagecoach.domain.deployment.DeploymentCallbacks;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Registry;
import io.stagecoach.functions.support.Json;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * The promotion workflow on Step Functions: one execution per promotion, named after its id (so a
 * repeated start is refused by Step Functions itself), and the answers to the tasks it waits on. A
 * token that nobody waits for any more (timed out, already answered) is not an error: the caller is
 * told so.
 */
public final class SfnPromotionRunner implements PromotionRunner, DeploymentCallbacks {

  private final SfnClient sfn;
  private final String stateMachineArn;
  private final Registry registry;

  public SfnPromotionRunner(SfnClient sfn, String stateMachineArn, Registry registry) {
    this.sfn = sfn;
    this.stateMachineArn = stateMachineArn;
    this.registry = registry;
  }

  @Override
  public void start(Promotion promotion, App app) {
    ObjectNode input = Json.object();
    input.put("promotionId", promotion.id());
    input.put("app", promotion.app());
    input.put("version", promotion.version());
    input.put("digest", promotion.digest());
    input.put("requestedBy", promotion.requestedBy());
    ArrayNode stages = input.putArray("stages");
    for (Promotion.StageProgress progress : promotion.stages()) {
      Stage stage = app.stage(progress.environment()).orElseThrow();
      Environment env = registry.findEnvironment(app.name(), progress.environment()).orElseThrow();
      stages
          .addObject()
          .put("index", app.stageOf(progress.environment()).orElseThrow())
          .put("environment", progress.environment())
          .put("tier", env.tier().wireName())
          .put("needsApproval", stage.needsApproval())
          .put(
              "approvalTimeoutSeconds",
              stage.approval().map(a -> a.timeout().toSeconds()).orElse(3600L))
          .put("soakSeconds", stage.soak().toSeconds());
    }
    try {
      sfn.startExecution(
          r -> r.stateMachineArn(stateMachineArn).name(promotion.id()).input(Json.write(input)));
    } catch (ExecutionAlreadyExistsException e) {
      // Started before: a retried request; the execution is the promotion's.
    }
  }

  @Override
  public boolean succeed(String taskToken, String outputJson) {
    try {
      sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(outputJson));
      return true;
    } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException e) {
      return false;
    }
  }

  @Override
  public boolean fail(String taskToken, String error, String cause) {
    try {
      sfn.sendTaskFailure(
          r ->
              r.taskToken(taskToken)
                  .error(error)
                  .cause(cause.length() > 32_000 ? cause.substring(0, 32_000) : cause));
      return true;
    } catch (TaskDoesNotExistException | TaskTimedOutException | InvalidTokenException e) {
      return false;
    }
  }

  /** The Deploy step waits for the deployment: its outputs go back to it. */
  @Override
  public void succeeded(String token, Deployment deployment) {
    ObjectNode output = Json.object();
    output.put("deploymentId", deployment.id());
    output.put("status", deployment.status().wireName());
    ObjectNode outputs = output.putObject("outputs");
    deployment.outputs().forEach(outputs::put);
    succeed(token, Json.write(output));
  }

  @Override
  public void failed(String token, Deployment deployment) {
    fail(
        token,
        "Deployment."
            + (deployment.status() == io.stagecoach.domain.deployment.DeploymentStatus.SUPERSEDED
                ? "Superseded"
                : "Failed"),
        deployment.reason().orElse(deployment.status().wireName()));
  }
}
