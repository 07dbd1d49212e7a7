package io.stagecoach.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.lambda.LocalFunctions;
import io.stagecoach.local.stepfunctions.asl.Json;
import io.stagecoach.local.stepfunctions.asl.StepClock;
import io.stagecoach.local.template.CloudTemplate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task states reaching the template's functions through {@link Integrations#local}. */
class LocalIntegrationsTest {

  @Test
  void tasks_invokeTemplateFunctions_byArnOrQualifiedName_andMissingOnesAreLambdaErrors()
      throws Exception {
    CloudTemplate template =
        new CloudTemplate(
            Json.parse(
                """
        {"Resources": {"Echo": {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "echo",
          "Handler": "io.stagecoach.local.testing.EchoEventHandler::handleRequest", "Runtime": "java21"}}}}"""),
            "Local",
            "us-east-1");
    Integrations integrations =
        Integrations.local(new LocalFunctions(template, Map.of()), entries -> entries, null);
    try (StepFunctionsService service =
        new StepFunctionsService(
            integrations, StepClock.scaled(100), "us-east-1", CloudTemplate.LOCAL_ACCOUNT)) {
      String machine =
          service.createStateMachine(
              "echo",
              """
          {"StartAt": "ByArn", "States": {
            "ByArn": {"Type": "Task", "Resource": "%s", "ResultSelector": {"body.$": "States.StringToJson($.body)"},
              "ResultPath": "$.byArn", "Next": "ByName"},
            "ByName": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "echo:live", "Payload": {"n.$": "$.n"}},
              "ResultSelector": {"status.$": "$.StatusCode", "body.$": "$.Payload.body"}, "ResultPath": "$.byName",
              "Next": "Missing"},
            "Missing": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:000000000000:function:nope",
              "Catch": [{"ErrorEquals": ["Lambda.ResourceNotFoundException"], "ResultPath": "$.missing",
                "Next": "Done"}], "End": true},
            "Done": {"Type": "Pass", "End": true}}}"""
                  .formatted(template.functionArn("Echo")),
              "arn:aws:iam::0:role/r");
      String exec = service.startExecution(machine, null, "{\"n\": 3}");
      assertTrue(service.awaitEnd(exec, Duration.ofSeconds(20)));
      var execution = service.execution(exec).orElseThrow();
      assertEquals(StepFunctionsService.Status.SUCCEEDED, execution.status(), execution.cause());
      JsonNode out = execution.output().orElseThrow();
      assertEquals(3, out.at("/byArn/body/n").asInt());
      assertEquals(200, out.at("/byName/status").asInt());
      assertEquals("{\"n\":3}", out.at("/byName/body").asText());
      assertEquals("Lambda.ResourceNotFoundException", out.at("/missing/Error").asText());
    }
  }
}
