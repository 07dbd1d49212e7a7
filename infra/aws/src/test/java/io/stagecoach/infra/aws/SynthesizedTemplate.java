package io.stagecoach.infra.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import software.amazon.awscdk.assertions.Template;

/**
 * The template the build synthesized into {@code target/cdk.out} before the tests ran, read once
 * per JVM. Tests never synthesize the app again: what they check is what gets deployed.
 */
final class SynthesizedTemplate {

  static final ObjectMapper JSON = new ObjectMapper();

  private SynthesizedTemplate() {}

  /** The CDK assertions view of the template. */
  static Template template() {
    return Loaded.TEMPLATE;
  }

  /** The raw template, for checks that walk every resource. */
  static Map<String, Object> json() {
    return Loaded.JSON_TEMPLATE;
  }

  static Path cloudAssembly() {
    String dir = System.getProperty("stagecoach.cdk.out");
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "system property stagecoach.cdk.out is not set; run the tests with Maven,"
              + " which synthesizes the app at process-classes");
    }
    return Path.of(dir);
  }

  static Map<String, Object> readJson(final Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          file + " does not exist; the build synthesizes it at process-classes");
    }
    try {
      return JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The resources of one type, by logical id. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> resourcesOfType(final String type) {
    Map<String, Object> resources = (Map<String, Object>) json().get("Resources");
    Map<String, Map<String, Object>> matching = new TreeMap<>();
    resources.forEach(
        (id, resource) -> {
          Map<String, Object> definition = (Map<String, Object>) resource;
          if (type.equals(definition.get("Type"))) {
            matching.put(id, definition);
          }
        });
    return matching;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> properties(final Map<String, Object> resource) {
    return (Map<String, Object>) resource.getOrDefault("Properties", Map.of());
  }

  /** {@code {"Ref": id}} */
  static Map<String, Object> ref(final String logicalId) {
    return Map.of("Ref", logicalId);
  }

  /** {@code {"Fn::GetAtt": [id, attribute]}} */
  static Map<String, Object> getAtt(final String logicalId, final String attribute) {
    return Map.of("Fn::GetAtt", List.of(logicalId, attribute));
  }

  /** Every statement of every policy attached to the role, inline or not. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statements(final String roleId) {
    List<Map<String, Object>> statements = new ArrayList<>();
    for (Map<String, Object> policy : resourcesOfType("AWS::IAM::Policy").values()) {
      List<Object> roles = (List<Object>) properties(policy).get("Roles");
      if (roles != null && roles.contains(ref(roleId))) {
        Map<String, Object> document =
            (Map<String, Object>) properties(policy).get("PolicyDocument");
        statements.addAll((List<Map<String, Object>>) document.get("Statement"));
      }
    }
    Map<String, Object> role = resourcesOfType("AWS::IAM::Role").get(roleId);
    List<Map<String, Object>> inline = (List<Map<String, Object>>) properties(role).get("Policies");
    if (inline != null) {
      inline.forEach(
          policy ->
              statements.addAll(
                  (List<Map<String, Object>>)
                      ((Map<String, Object>) policy.get("PolicyDocument")).get("Statement")));
    }
    return statements;
  }

  /** A statement's actions, whether written as one string or a list. */
  @SuppressWarnings("unchecked")
  static Set<String> actions(final Map<String, Object> statement) {
    Object action = statement.get("Action");
    return action instanceof List<?> list
        ? new TreeSet<>((List<String>) list)
        : Set.of((String) action);
  }

  /** A statement's resources, whether written as one value or a list. */
  @SuppressWarnings("unchecked")
  static List<Object> resources(final Map<String, Object> statement) {
    Object resource = statement.get("Resource");
    return resource instanceof List<?> list ? (List<Object>) list : List.of(resource);
  }

  /** Serialized, for "does this intrinsic mention that resource" checks. */
  static String asJson(final Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * That state machine's definition as Amazon States Language, with each reference CloudFormation
   * fills in written as {@code <LogicalId>} (or {@code <AWS::Partition>}) for a {@code Ref}, and as
   * {@code <LogicalId.Attribute>} for a {@code Fn::GetAtt}, e.g. {@code "FunctionName":
   * "<AliasId>"}.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> definition(final String stateMachineId) {
    Map<String, Object> stateMachine =
        resourcesOfType("AWS::StepFunctions::StateMachine").get(stateMachineId);
    if (stateMachine == null) {
      throw new AssertionError("no state machine " + stateMachineId);
    }
    Object definitionString = properties(stateMachine).get("DefinitionString");
    StringBuilder asl = new StringBuilder();
    if (definitionString instanceof String literal) {
      asl.append(literal);
    } else {
      List<Object> join = (List<Object>) ((Map<String, Object>) definitionString).get("Fn::Join");
      if (!"".equals(join.get(0))) {
        throw new AssertionError("the definition is joined with '" + join.get(0) + "'");
      }
      for (Object part : (List<Object>) join.get(1)) {
        if (part instanceof String literal) {
          asl.append(literal);
        } else if (((Map<String, Object>) part).get("Ref") instanceof String logicalId) {
          asl.append('<').append(logicalId).append('>');
        } else if (((Map<String, Object>) part).get("Fn::GetAtt") instanceof List<?> getAtt) {
          asl.append('<').append(getAtt.get(0)).append('.').append(getAtt.get(1)).append('>');
        } else {
          throw new AssertionError("unexpected part of the definition: " + asJson(part));
        }
      }
    }
    try {
      return JSON.readValue(asl.toString(), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new AssertionError("the definition is not JSON: " + asl, e);
    }
  }

  private static final class Loaded {
    static final Map<String, Object> JSON_TEMPLATE =
        readJson(cloudAssembly().resolve(StagecoachApp.STACK_ID + ".template.json"));
    static final Template TEMPLATE = Template.fromJSON(JSON_TEMPLATE);
  }
}
