package io.stagecoach.local.template;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CloudTemplateTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static CloudTemplate template() throws Exception {
    return new CloudTemplate(
        MAPPER.readTree(
            """
        {"Parameters": {"Env": {"Type": "String", "Default": "dev"}},
         "Conditions": {"IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]}},
         "Resources": {
           "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {"KeySchema": []}},
           "Named": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders"}},
           "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "x"}},
           "Version": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
           "Alias": {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Fn"},
              "FunctionVersion": {"Fn::GetAtt": ["Version", "Version"]}, "Name": "live"}},
           "Thing": {"Type": "Custom::Thing", "Properties": {
              "Joined": {"Fn::Join": ["-", ["a", {"Ref": "AWS::Region"}, {"Ref": "Named"}]]},
              "Sub": {"Fn::Sub": "${AWS::AccountId}/${Table}/${Fn.Arn}/${!Literal}"},
              "SubVars": {"Fn::Sub": ["${X}-${Named}", {"X": {"Ref": "Env"}}]},
              "Picked": {"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]},
              "Chosen": {"Fn::If": ["IsDev", "small", "large"]},
              "Dropped": {"Ref": "AWS::NoValue"}}}
         }}"""),
        "Stack",
        "eu-west-1");
  }

  @Test
  void intrinsics_resolveToLocalValues() throws Exception {
    CloudTemplate t = template();
    JsonNode props = t.resolve(t.resource("Thing").orElseThrow().properties(), "Thing");
    assertEquals("a-eu-west-1-orders", props.get("Joined").asText());
    assertEquals(
        "000000000000/Table/arn:aws:lambda:eu-west-1:000000000000:function:Fn/${Literal}",
        props.get("Sub").asText());
    assertEquals("dev-orders", props.get("SubVars").asText());
    assertEquals("b", props.get("Picked").asText());
    assertEquals("small", props.get("Chosen").asText());
    assertFalse(props.has("Dropped"), "AWS::NoValue removes the property");
  }

  @Test
  void aliasesAndVersions_leadBackToTheirFunction() throws Exception {
    CloudTemplate t = template();
    assertEquals("Fn", t.targetFunction("Alias"));
    assertEquals(
        "Fn",
        t.functionReferencedBy(
                MAPPER.readTree("{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"Alias\"}]]}"))
            .orElseThrow());
    assertEquals(
        "Fn",
        t.functionReferencedBy(MAPPER.readTree("{\"Fn::Sub\":\"x/${Fn.Arn}/invocations\"}"))
            .orElseThrow());
  }

  @Test
  void refToAnUndefinedResource_namesIt() throws Exception {
    CloudTemplate t = template();
    TemplateException e =
        assertThrows(
            TemplateException.class,
            () -> t.resolve(MAPPER.readTree("{\"Ref\":\"Ghost\"}"), "Somewhere"));
    assertTrue(e.getMessage().contains("Ghost"), e.getMessage());
  }

  @Test
  void templateWithoutResources_isRefused() {
    assertThrows(
        TemplateException.class, () -> new CloudTemplate(MAPPER.readTree("{}"), "S", "us-east-1"));
  }
}
