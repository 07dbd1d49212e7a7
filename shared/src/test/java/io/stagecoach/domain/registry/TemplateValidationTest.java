package io.stagecoach.domain.registry;

import static io.stagecoach.testing.Fixtures.ADMIN;
import static io.stagecoach.testing.Fixtures.NOW;
import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.testing.Fixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An inline template is checked when its app is registered or changed: a JSON object with a
 * Resources object naming a resource. The registry is never reached (it is null): a refused app
 * stores nothing.
 */
class TemplateValidationTest {

  private final RegistryService rules = new RegistryService(null);

  private static AppSpec app(String body) {
    return new AppSpec(
        "shop",
        Optional.empty(),
        List.of("dev"),
        List.of(),
        Optional.of(EnvironmentTemplate.inline(body)));
  }

  private static FieldError refusal(Outcome<?> outcome) {
    Rejection rejection = ((Outcome.Rejected<?>) outcome).rejection();
    assertEquals(Rejection.Code.VALIDATION_FAILED, rejection.code());
    assertEquals(1, rejection.errors().size(), rejection.errors().toString());
    return rejection.errors().get(0);
  }

  @Test
  void aTemplateWithResources_isAccepted_asTheFixturesAre() {
    assertEquals(
        Optional.empty(), EnvironmentTemplate.inline(Fixtures.ORDERS_TEMPLATE).bodyProblem());
    assertEquals(
        Optional.empty(),
        EnvironmentTemplate.inline(
                """
                {"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {"N": {"Type": "Number", "Default": -1.5e+3}},
                 "Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "caf\\u00e9 \\"x\\"\\n",
                   "Tags": [true, false, null, 0, [], {}]}}}}
                """)
            .bodyProblem());
    assertEquals(Optional.empty(), EnvironmentTemplate.at("s3://bucket/key.json").bodyProblem());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "not json",
        "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}",
        "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\"}}} trailing",
        "{\"Resources\": {\"T\": {\"Type\": 'single'}}}",
        "{\"Resources\": {\"T\": {\"Count\": 01}}}",
        "{\"Resources\": {\"T\": {\"Type\": \"a\\qb\"}}}",
        "{\"Resources\": {\"T\": {\"Type\": \"AWS::SNS::Topic\",}}}",
        "Resources:\n  T:\n    Type: AWS::SNS::Topic"
      })
  void aBodyThatIsNotJson_isRefused_namingWhereItBreaks(String body) {
    String problem = EnvironmentTemplate.inline(body).bodyProblem().orElseThrow();
    assertTrue(problem.startsWith("is not valid JSON: "), problem);
    assertTrue(problem.contains(" at character "), problem);
  }

  @Test
  void aJsonBodyWithoutAUsableResourcesObject_isRefused_sayingWhy() {
    assertEquals(
        Optional.of("must be a JSON object (a CloudFormation template)"),
        EnvironmentTemplate.inline("[{\"Resources\": {}}]").bodyProblem());
    assertEquals(
        Optional.of("must be a JSON object (a CloudFormation template)"),
        EnvironmentTemplate.inline("\"a string\"").bodyProblem());
    assertEquals(
        Optional.of("must have a Resources object (CloudFormation needs one)"),
        EnvironmentTemplate.inline("{\"Outputs\": {\"Resources\": {\"T\": {}}}}").bodyProblem());
    assertEquals(
        Optional.of("Resources must be a JSON object"),
        EnvironmentTemplate.inline("{\"Resources\": [\"T\"]}").bodyProblem());
    assertEquals(
        Optional.of("Resources must name at least one resource"),
        EnvironmentTemplate.inline("{\"Resources\": {}}").bodyProblem());
  }

  @Test
  void
      registeringOrChangingAnAppWithABodyThatIsNotJson_isValidationFailed_onTemplateBody_storingNothing() {
    FieldError created = refusal(rules.createApp(ADMIN, app("not json"), NOW));
    assertEquals("template.body", created.field());
    assertTrue(created.message().startsWith("is not valid JSON"), created.message());

    FieldError changed =
        refusal(rules.putApp(ADMIN, app("{\"Resources\": {}}"), Optional.of(1L), NOW));
    assertEquals("template.body", changed.field());
    assertEquals("Resources must name at least one resource", changed.message());
  }

  @Test
  void aReferenceProblem_isReportedOnTemplate_beforeTheBodysShape() {
    FieldError blank = refusal(rules.createApp(ADMIN, app("  "), NOW));
    assertEquals("template", blank.field());
    assertEquals("body must not be empty", blank.message());
  }
}
