package io.stagecoach.functions.aws;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.deployment.TierPlanner;
import io.stagecoach.functions.support.DeploymentJson;
import io.stagecoach.functions.support.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Plans through the tier's provisioner function, invoked synchronously ({@code RequestResponse}).
 */
public final class LambdaPlanner implements TierPlanner {

  private final LambdaClient lambda;
  private final Map<String, String> functionsByTier;

  public LambdaPlanner(LambdaClient lambda, Map<String, String> functionsByTier) {
    this.lambda = lambda;
    this.functionsByTier = Map.copyOf(functionsByTier);
  }

  /** {@code dev=arn:...,staging=arn:...}: the {@code PROVISIONER_FUNCTIONS} setting. */
  public static Map<String, String> parse(String setting) {
    Map<String, String> byTier = new LinkedHashMap<>();
    if (setting == null) {
      return byTier;
    }
    for (String pair : setting.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        byTier.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return byTier;
  }

  @Override
  public Answer plan(String tier, String app, String environment, String version) {
    String function = functionsByTier.get(tier);
    if (function == null) {
      return new Answer.Unavailable("no provisioner is configured for the " + tier + " tier");
    }
    String payload =
        Json.write(
            Json.object()
                .put("action", "plan")
                .put("app", app)
                .put("environment", environment)
                .put("version", version));
    InvokeResponse response;
    try {
      response =
          lambda.invoke(r -> r.functionName(function).payload(SdkBytes.fromUtf8String(payload)));
    } catch (SdkException e) {
      return new Answer.Unavailable(e.getClass().getSimpleName());
    }
    String text = response.payload() == null ? "" : response.payload().asUtf8String();
    if (response.functionError() != null) {
      return new Answer.Unavailable("the provisioner failed (" + response.functionError() + ")");
    }
    JsonNode answer;
    try {
      answer = Json.parse(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Answer.Unavailable("the provisioner answered something that is not JSON");
    }
    if (answer.has("plan")) {
      return new Answer.Planned(DeploymentJson.plan(answer.get("plan")));
    }
    JsonNode refused = answer.path("refused");
    Optional<Rejection.Code> code = Optional.empty();
    for (Rejection.Code c : Rejection.Code.values()) {
      if (c.wireName().equals(refused.path("code").asText())) {
        code = Optional.of(c);
      }
    }
    return code.<Answer>map(
            c -> new Answer.Refused(Rejection.of(c, refused.path("detail").asText())))
        .orElseGet(
            () -> new Answer.Unavailable("the provisioner's answer has neither plan nor refusal"));
  }
}
