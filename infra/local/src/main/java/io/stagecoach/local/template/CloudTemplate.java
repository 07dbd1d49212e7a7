package io.stagecoach.local.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A synthesized CloudFormation template, with intrinsic functions ({@code Ref}, {@code Fn::GetAtt},
 * {@code Fn::Join}, {@code Fn::Sub}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::If}) and
 * pseudo parameters resolved to the local cloud's values: what a resource is called here is what
 * CloudFormation would have called it, with a local account, region and names.
 */
public final class CloudTemplate {

  public static final String LOCAL_ACCOUNT = "000000000000";
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public record Resource(String logicalId, String type, JsonNode properties) {}

  private final String stackName;
  private final String region;
  private final Map<String, Resource> resources = new LinkedHashMap<>();
  private final JsonNode parameters;
  private final JsonNode conditions;

  public CloudTemplate(JsonNode root, String stackName, String region) {
    this.stackName = stackName;
    this.region = region;
    JsonNode res = root.path("Resources");
    if (!res.isObject() || res.isEmpty()) {
      throw new TemplateException("the template has no Resources");
    }
    for (Map.Entry<String, JsonNode> e : res.properties()) {
      String type = e.getValue().path("Type").asText("");
      if (type.isEmpty()) {
        throw new TemplateException("resource " + e.getKey() + " has no Type");
      }
      resources.put(e.getKey(), new Resource(e.getKey(), type, e.getValue().path("Properties")));
    }
    this.parameters = root.path("Parameters");
    this.conditions = root.path("Conditions");
  }

  public static CloudTemplate read(InputStream in, String stackName, String region)
      throws IOException {
    return new CloudTemplate(MAPPER.readTree(in), stackName, region);
  }

  public String stackName() {
    return stackName;
  }

  public String region() {
    return region;
  }

  public Map<String, Resource> resources() {
    return resources;
  }

  public List<Resource> ofType(String type) {
    return resources.values().stream().filter(r -> r.type().equals(type)).toList();
  }

  public Optional<Resource> resource(String logicalId) {
    return Optional.ofNullable(resources.get(logicalId));
  }

  /** A resource's property, resolved; missing properties are {@code MissingNode}. */
  public JsonNode property(Resource resource, String name) {
    JsonNode value = resource.properties().path(name);
    return value.isMissingNode() ? value : resolve(value, resource.logicalId());
  }

  public String text(Resource resource, String name, String fallback) {
    JsonNode value = property(resource, name);
    return value.isMissingNode() || value.isNull() ? fallback : value.asText();
  }

  // ------------------------------------------------------------ local names

  /** What {@code Ref} gives for a resource in the local cloud. */
  public String ref(String logicalId) {
    if (logicalId.startsWith("AWS::")) {
      return pseudo(logicalId);
    }
    Resource r = resources.get(logicalId);
    if (r == null) {
      JsonNode p = parameters.path(logicalId);
      if (!p.isMissingNode()) {
        return p.path("Default").asText("");
      }
      throw new TemplateException("Ref to " + logicalId + ", which the template does not define");
    }
    JsonNode props = r.properties();
    return switch (r.type()) {
      case "AWS::DynamoDB::Table" ->
          props.path("TableName").isTextual() ? props.get("TableName").asText() : logicalId;
      case "AWS::Lambda::Function" -> functionName(r);
      case "AWS::Lambda::Version" -> functionArn(targetFunction(logicalId)) + ":1";
      case "AWS::Lambda::Alias" ->
          functionArn(targetFunction(logicalId)) + ":" + text(r, "Name", "alias");
      case "AWS::ApiGateway::RestApi" -> restApiId(logicalId);
      case "AWS::ApiGateway::Stage" -> text(r, "StageName", logicalId);
      case "AWS::Logs::LogGroup" ->
          props.path("LogGroupName").isTextual() ? props.get("LogGroupName").asText() : logicalId;
      case "AWS::Events::EventBus" -> text(r, "Name", logicalId);
      case "AWS::Events::Rule" -> text(r, "Name", logicalId);
      // CloudFormation's Ref of a state machine is its ARN, of a queue its URL.
      case "AWS::StepFunctions::StateMachine" -> stateMachineArn(r);
      case "AWS::SQS::Queue" ->
          "http://sqs."
              + region
              + ".localhost/"
              + LOCAL_ACCOUNT
              + "/"
              + text(r, "QueueName", logicalId);
      default -> logicalId;
    };
  }

  /**
   * The ARN of a state machine: its {@code StateMachineName}, or its logical id when it has none.
   */
  public String stateMachineArn(Resource stateMachine) {
    return "arn:aws:states:"
        + region
        + ":"
        + LOCAL_ACCOUNT
        + ":stateMachine:"
        + text(stateMachine, "StateMachineName", stateMachine.logicalId());
  }

  public String getAtt(String logicalId, String attribute) {
    Resource r = resources.get(logicalId);
    if (r == null) {
      throw new TemplateException(
          "Fn::GetAtt of " + logicalId + ", which the template does not define");
    }
    String partition = "arn:aws:";
    return switch (r.type() + "." + attribute) {
      case "AWS::DynamoDB::Table.Arn" ->
          partition + "dynamodb:" + region + ":" + LOCAL_ACCOUNT + ":table/" + ref(logicalId);
      case "AWS::DynamoDB::Table.StreamArn" -> getAtt(logicalId, "Arn") + "/stream/local";
      case "AWS::Lambda::Function.Arn" -> functionArn(logicalId);
      case "AWS::ApiGateway::RestApi.RootResourceId" -> "root";
      case "AWS::IAM::Role.Arn" -> partition + "iam::" + LOCAL_ACCOUNT + ":role/" + logicalId;
      case "AWS::Logs::LogGroup.Arn" ->
          partition
              + "logs:"
              + region
              + ":"
              + LOCAL_ACCOUNT
              + ":log-group:"
              + ref(logicalId)
              + ":*";
      case "AWS::Events::EventBus.Arn" ->
          partition + "events:" + region + ":" + LOCAL_ACCOUNT + ":event-bus/" + ref(logicalId);
      case "AWS::Events::EventBus.Name" -> ref(logicalId);
      case "AWS::Events::Rule.Arn" ->
          partition + "events:" + region + ":" + LOCAL_ACCOUNT + ":rule/" + ruleQualifiedName(r);
      case "AWS::StepFunctions::StateMachine.Arn" -> stateMachineArn(r);
      case "AWS::StepFunctions::StateMachine.Name" -> text(r, "StateMachineName", logicalId);
      case "AWS::SQS::Queue.Arn" ->
          partition + "sqs:" + region + ":" + LOCAL_ACCOUNT + ":" + text(r, "QueueName", logicalId);
      case "AWS::SQS::Queue.QueueName" -> text(r, "QueueName", logicalId);
      case "AWS::Lambda::Alias.Arn", "AWS::Lambda::Version.Arn" -> ref(logicalId);
      default ->
          partition + "local:" + region + ":" + LOCAL_ACCOUNT + ":" + logicalId + "/" + attribute;
    };
  }

  private String ruleQualifiedName(Resource rule) {
    String bus = text(rule, "EventBusName", "default");
    String name = text(rule, "Name", rule.logicalId());
    return bus.equals("default") || bus.endsWith("/default")
        ? name
        : bus.substring(bus.lastIndexOf('/') + 1) + "/" + name;
  }

  public String functionName(Resource function) {
    JsonNode name = function.properties().path("FunctionName");
    return name.isTextual() ? name.asText() : function.logicalId();
  }

  public String functionArn(String functionLogicalId) {
    return "arn:aws:lambda:"
        + region
        + ":"
        + LOCAL_ACCOUNT
        + ":function:"
        + functionName(resources.get(functionLogicalId));
  }

  /** The function a Function, Version or Alias stands for (following Ref and GetAtt chains). */
  public String targetFunction(String logicalId) {
    Resource r = resources.get(logicalId);
    if (r == null) {
      throw new TemplateException(logicalId + " is not defined");
    }
    return switch (r.type()) {
      case "AWS::Lambda::Function" -> logicalId;
      case "AWS::Lambda::Version" ->
          referencedResource(r.properties().path("FunctionName"), logicalId);
      case "AWS::Lambda::Alias" ->
          targetFunction(
              referencedResource(r.properties().path("FunctionVersion"), logicalId).isEmpty()
                  ? referencedResource(r.properties().path("FunctionName"), logicalId)
                  : referencedResource(r.properties().path("FunctionVersion"), logicalId));
      default ->
          throw new TemplateException(logicalId + " (" + r.type() + ") is not a Lambda function");
    };
  }

  /**
   * The first resource a {@code Ref}/{@code Fn::GetAtt} inside {@code value} points at that is a
   * function, version or alias.
   */
  public Optional<String> functionReferencedBy(JsonNode value) {
    for (String id : referencedIds(value)) {
      Resource r = resources.get(id);
      if (r != null
          && r.type().startsWith("AWS::Lambda::")
          && !r.type().equals("AWS::Lambda::Permission")) {
        return Optional.of(targetFunction(id));
      }
    }
    return Optional.empty();
  }

  private String referencedResource(JsonNode value, String from) {
    List<String> ids = referencedIds(value);
    return ids.isEmpty() ? "" : ids.get(0);
  }

  /** Every logical id a value refers to, in order of appearance. */
  public static List<String> referencedIds(JsonNode value) {
    List<String> ids = new ArrayList<>();
    collect(value, ids);
    return ids;
  }

  private static void collect(JsonNode value, List<String> ids) {
    if (value.isObject()) {
      if (value.size() == 1 && value.has("Ref")) {
        ids.add(value.get("Ref").asText());
        return;
      }
      if (value.size() == 1 && value.has("Fn::GetAtt")) {
        JsonNode att = value.get("Fn::GetAtt");
        ids.add(att.isArray() ? att.get(0).asText() : att.asText().split("\\.")[0]);
        return;
      }
      if (value.size() == 1 && value.has("Fn::Sub")) {
        JsonNode sub = value.get("Fn::Sub");
        String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
        JsonNode vars = sub.isArray() && sub.size() > 1 ? sub.get(1) : null;
        Matcher m = SUB_VARIABLE.matcher(text);
        while (m.find()) {
          String name = m.group(1).split("\\.", 2)[0];
          if ((vars == null || !vars.has(m.group(1))) && !name.startsWith("AWS::")) {
            ids.add(name);
          }
        }
        if (vars != null) {
          collect(vars, ids);
        }
        return;
      }
      value.forEach(v -> collect(v, ids));
    } else if (value.isArray()) {
      value.forEach(v -> collect(v, ids));
    }
  }

  public static String restApiId(String logicalId) {
    String id = logicalId.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return id.length() > 10 ? id.substring(0, 10) : id;
  }

  private String pseudo(String name) {
    return switch (name) {
      case "AWS::Region" -> region;
      case "AWS::AccountId" -> LOCAL_ACCOUNT;
      case "AWS::Partition" -> "aws";
      case "AWS::URLSuffix" -> "amazonaws.com";
      case "AWS::StackName" -> stackName;
      case "AWS::StackId" ->
          "arn:aws:cloudformation:"
              + region
              + ":"
              + LOCAL_ACCOUNT
              + ":stack/"
              + stackName
              + "/local";
      case "AWS::NoValue" -> "";
      default -> throw new TemplateException("pseudo parameter " + name + " is not known locally");
    };
  }

  // ------------------------------------------------------------ intrinsic functions

  public JsonNode resolve(JsonNode value, String where) {
    if (value.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : value) {
        if (isNoValue(item)) {
          continue;
        }
        out.add(resolve(item, where));
      }
      return out;
    }
    if (!value.isObject()) {
      return value;
    }
    if (value.size() == 1) {
      String fn = value.fieldNames().next();
      JsonNode arg = value.get(fn);
      switch (fn) {
        case "Ref":
          return TextNode.valueOf(ref(arg.asText()));
        case "Fn::GetAtt":
          {
            String id = arg.isArray() ? arg.get(0).asText() : arg.asText().split("\\.", 2)[0];
            String att = arg.isArray() ? arg.get(1).asText() : arg.asText().split("\\.", 2)[1];
            return TextNode.valueOf(getAtt(id, att));
          }
        case "Fn::Join":
          {
            String delimiter = arg.get(0).asText();
            List<String> parts = new ArrayList<>();
            for (JsonNode p : resolve(arg.get(1), where)) {
              parts.add(p.asText());
            }
            return TextNode.valueOf(String.join(delimiter, parts));
          }
        case "Fn::Sub":
          return TextNode.valueOf(sub(arg, where));
        case "Fn::Select":
          {
            int index = resolve(arg.get(0), where).asInt();
            JsonNode list = resolve(arg.get(1), where);
            if (index < 0 || index >= list.size()) {
              throw new TemplateException(
                  where + ": Fn::Select index " + index + " is out of range");
            }
            return list.get(index);
          }
        case "Fn::Split":
          {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (String s :
                resolve(arg.get(1), where).asText().split(Pattern.quote(arg.get(0).asText()), -1)) {
              out.add(s);
            }
            return out;
          }
        case "Fn::If":
          {
            boolean condition = condition(arg.get(0).asText(), where);
            return resolve(arg.get(condition ? 1 : 2), where);
          }
        case "Fn::GetAZs":
          {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            out.add(region + "a").add(region + "b").add(region + "c");
            return out;
          }
        case "Fn::ImportValue":
          throw new TemplateException(
              where + ": Fn::ImportValue needs another stack, which the local cloud does not run");
        default:
          break;
      }
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      if (!isNoValue(e.getValue())) {
        out.set(e.getKey(), resolve(e.getValue(), where));
      }
    }
    return out;
  }

  private static boolean isNoValue(JsonNode v) {
    return v.isObject() && v.size() == 1 && "AWS::NoValue".equals(v.path("Ref").asText(null));
  }

  private String sub(JsonNode arg, String where) {
    String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
    Map<String, String> vars = new LinkedHashMap<>();
    if (arg.isArray() && arg.size() > 1) {
      for (Map.Entry<String, JsonNode> e : arg.get(1).properties()) {
        vars.put(e.getKey(), resolve(e.getValue(), where).asText());
      }
    }
    Matcher m = SUB_VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value;
      if (vars.containsKey(name)) {
        value = vars.get(name);
      } else if (name.contains(".")) {
        String[] parts = name.split("\\.", 2);
        value = getAtt(parts[0], parts[1]);
      } else {
        value = ref(name);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    // ${!Literal} is how a template writes a literal ${Literal}.
    return out.toString().replace("${!", "${");
  }

  private boolean condition(String name, String where) {
    JsonNode c = conditions.path(name);
    if (c.isMissingNode()) {
      throw new TemplateException(where + ": condition " + name + " is not defined");
    }
    return evaluate(c, where);
  }

  private boolean evaluate(JsonNode c, String where) {
    if (c.has("Condition")) {
      return condition(c.get("Condition").asText(), where);
    }
    if (c.has("Fn::Equals")) {
      return resolve(c.get("Fn::Equals").get(0), where)
          .asText()
          .equals(resolve(c.get("Fn::Equals").get(1), where).asText());
    }
    if (c.has("Fn::Not")) {
      return !evaluate(c.get("Fn::Not").get(0), where);
    }
    if (c.has("Fn::And")) {
      for (JsonNode x : c.get("Fn::And")) {
        if (!evaluate(x, where)) {
          return false;
        }
      }
      return true;
    }
    if (c.has("Fn::Or")) {
      for (JsonNode x : c.get("Fn::Or")) {
        if (evaluate(x, where)) {
          return true;
        }
      }
      return false;
    }
    throw new TemplateException(where + ": unsupported condition " + c);
  }
}
