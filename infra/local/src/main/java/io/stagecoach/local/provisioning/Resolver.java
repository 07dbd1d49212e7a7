package io.stagecoach.local.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.registry.Environment;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the intrinsic functions of an environment template to local values: {@code Ref}
 * (parameters, pseudo parameters, resources), {@code Fn::GetAtt}, {@code Fn::Sub} (string form and
 * with a variable map), {@code Fn::Join}. Anything else is a {@link
 * LocalProvisioner.TemplateProblem} naming where it was found.
 */
final class Resolver {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private final Map<String, String> parameters;
  private final Map<String, String> pseudo;
  private final Map<String, LocalProvisioner.Desired> resources;
  private final Environment env;

  Resolver(
      Map<String, String> parameters,
      Map<String, String> pseudo,
      Map<String, LocalProvisioner.Desired> resources,
      Environment env) {
    this.parameters = parameters;
    this.pseudo = pseudo;
    this.resources = resources;
    this.env = env;
  }

  JsonNode resolve(JsonNode node, String where) throws LocalProvisioner.TemplateProblem {
    if (node == null || node.isMissingNode()) {
      return NODES.objectNode();
    }
    if (node.isArray()) {
      ArrayNode out = NODES.arrayNode();
      for (JsonNode item : node) {
        out.add(resolve(item, where));
      }
      return out;
    }
    if (!node.isObject()) {
      return node;
    }
    if (node.size() == 1) {
      String fn = node.properties().iterator().next().getKey();
      JsonNode arg = node.get(fn);
      switch (fn) {
        case "Ref" -> {
          return NODES.textNode(ref(arg.asText(), where));
        }
        case "Fn::GetAtt" -> {
          String[] parts =
              arg.isArray()
                  ? new String[] {arg.path(0).asText(), arg.path(1).asText()}
                  : arg.asText().split("\\.", 2);
          return NODES.textNode(getAtt(parts[0], parts.length > 1 ? parts[1] : "", where));
        }
        case "Fn::Sub" -> {
          String text = arg.isArray() ? arg.path(0).asText() : arg.asText();
          JsonNode vars = arg.isArray() ? resolve(arg.path(1), where) : NODES.objectNode();
          return NODES.textNode(sub(text, vars, where));
        }
        case "Fn::Join" -> {
          String separator = arg.path(0).asText();
          JsonNode items = resolve(arg.path(1), where);
          StringBuilder joined = new StringBuilder();
          for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
              joined.append(separator);
            }
            joined.append(items.get(i).asText());
          }
          return NODES.textNode(joined.toString());
        }
        default -> {
          if (fn.startsWith("Fn::") || fn.equals("Condition")) {
            throw new LocalProvisioner.TemplateProblem(
                fn + " in " + where + " is not supported by the local cloud");
          }
        }
      }
    }
    ObjectNode out = NODES.objectNode();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      out.set(e.getKey(), resolve(e.getValue(), where + "." + e.getKey()));
    }
    return out;
  }

  private String ref(String name, String where) throws LocalProvisioner.TemplateProblem {
    if (parameters.containsKey(name)) {
      return parameters.get(name);
    }
    if (pseudo.containsKey(name)) {
      return pseudo.get(name);
    }
    LocalProvisioner.Desired r = resources.get(name);
    if (r != null) {
      return r.physicalId();
    }
    throw new LocalProvisioner.TemplateProblem(
        "Ref " + name + " in " + where + " names no parameter or resource");
  }

  private String getAtt(String resource, String attribute, String where)
      throws LocalProvisioner.TemplateProblem {
    LocalProvisioner.Desired r = resources.get(resource);
    if (r == null) {
      throw new LocalProvisioner.TemplateProblem(
          "Fn::GetAtt " + resource + "." + attribute + " in " + where + " names no resource");
    }
    Optional<String> value =
        switch (r.type() + "." + attribute) {
          case LocalProvisioner.TABLE + ".Arn" -> Optional.of(tableArn(r.physicalId()));
          case LocalProvisioner.TABLE + ".StreamArn" ->
              Optional.of(tableArn(r.physicalId()) + "/stream/local");
          case LocalProvisioner.PARAMETER + ".Type" -> Optional.of("String");
          case LocalProvisioner.PARAMETER + ".Value" ->
              Optional.of(r.properties().path("Value").asText(""));
          default -> Optional.empty();
        };
    return value.orElseThrow(
        () ->
            new LocalProvisioner.TemplateProblem(
                "Fn::GetAtt "
                    + resource
                    + "."
                    + attribute
                    + " in "
                    + where
                    + " is not available in the local cloud"));
  }

  private String tableArn(String table) {
    return "arn:aws:dynamodb:" + env.region() + ":" + env.account() + ":table/" + table;
  }

  private String sub(String text, JsonNode vars, String where)
      throws LocalProvisioner.TemplateProblem {
    Matcher m = SUB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value;
      if (vars.has(name)) {
        value = vars.get(name).asText();
      } else if (name.contains(".") && !name.startsWith("AWS::")) {
        String[] parts = name.split("\\.", 2);
        value = getAtt(parts[0], parts[1], where);
      } else {
        value = ref(name, where);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    // ${!Literal} is written as ${Literal}.
    return out.toString().replace("${!", "${");
  }
}
