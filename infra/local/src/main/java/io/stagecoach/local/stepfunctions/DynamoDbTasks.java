package io.stagecoach.local.stepfunctions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.local.stepfunctions.asl.StatesError;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The DynamoDB optimized integration: the task's Parameters are the API's request in DynamoDB JSON,
 * the result is the API's response, and a service error becomes {@code DynamoDB.<ErrorCode>}.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html
 */
final class DynamoDbTasks {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DynamoDbTasks() {}

  static JsonNode call(DynamoDbClient client, String action, JsonNode p) {
    String table = text(p, "TableName");
    if (table == null) {
      throw new StatesError(
          StatesError.RUNTIME, "dynamodb:" + action + " needs a TableName parameter");
    }
    try {
      return switch (action) {
        case "getItem" -> {
          var response =
              client.getItem(
                  b ->
                      b.tableName(table)
                          .key(item(p.get("Key")))
                          .consistentRead(
                              p.has("ConsistentRead") ? p.get("ConsistentRead").asBoolean() : null)
                          .projectionExpression(text(p, "ProjectionExpression"))
                          .expressionAttributeNames(names(p)));
          ObjectNode out = NODES.objectNode();
          if (response.hasItem()) {
            out.set("Item", json(response.item()));
          }
          yield out;
        }
        case "putItem" -> {
          var response =
              client.putItem(
                  b ->
                      b.tableName(table)
                          .item(item(p.get("Item")))
                          .conditionExpression(text(p, "ConditionExpression"))
                          .expressionAttributeNames(names(p))
                          .expressionAttributeValues(values(p))
                          .returnValues(text(p, "ReturnValues")));
          yield attributes(response.hasAttributes() ? response.attributes() : null);
        }
        case "updateItem" -> {
          var response =
              client.updateItem(
                  b ->
                      b.tableName(table)
                          .key(item(p.get("Key")))
                          .updateExpression(text(p, "UpdateExpression"))
                          .conditionExpression(text(p, "ConditionExpression"))
                          .expressionAttributeNames(names(p))
                          .expressionAttributeValues(values(p))
                          .returnValues(text(p, "ReturnValues")));
          yield attributes(response.hasAttributes() ? response.attributes() : null);
        }
        case "deleteItem" -> {
          var response =
              client.deleteItem(
                  b ->
                      b.tableName(table)
                          .key(item(p.get("Key")))
                          .conditionExpression(text(p, "ConditionExpression"))
                          .expressionAttributeNames(names(p))
                          .expressionAttributeValues(values(p))
                          .returnValues(text(p, "ReturnValues")));
          yield attributes(response.hasAttributes() ? response.attributes() : null);
        }
        default ->
            throw new StatesError(StatesError.RUNTIME, "unsupported DynamoDB action " + action);
      };
    } catch (DynamoDbException e) {
      String code =
          e.awsErrorDetails() == null ? "DynamoDbException" : e.awsErrorDetails().errorCode();
      throw new StatesError(
          "DynamoDB." + code,
          e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
    } catch (IllegalArgumentException e) {
      throw new StatesError(StatesError.RUNTIME, "invalid DynamoDB parameters: " + e.getMessage());
    }
  }

  private static ObjectNode attributes(Map<String, AttributeValue> attributes) {
    ObjectNode out = NODES.objectNode();
    if (attributes != null && !attributes.isEmpty()) {
      out.set("Attributes", json(attributes));
    }
    return out;
  }

  private static String text(JsonNode p, String field) {
    JsonNode v = p.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Map<String, String> names(JsonNode p) {
    JsonNode n = p.get("ExpressionAttributeNames");
    if (n == null || !n.isObject()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    n.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Map<String, AttributeValue> values(JsonNode p) {
    JsonNode v = p.get("ExpressionAttributeValues");
    return v == null || !v.isObject() ? null : item(v);
  }

  static Map<String, AttributeValue> item(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a map of attribute values, got " + node);
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), attribute(e.getValue())));
    return out;
  }

  static AttributeValue attribute(JsonNode v) {
    if (v == null || !v.isObject() || v.size() != 1) {
      throw new IllegalArgumentException("an attribute value has exactly one type key: " + v);
    }
    var e = v.properties().iterator().next();
    JsonNode x = e.getValue();
    return switch (e.getKey()) {
      case "S" -> AttributeValue.fromS(x.asText());
      case "N" -> AttributeValue.fromN(x.asText());
      case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
      case "NULL" -> AttributeValue.fromNul(x.asBoolean());
      case "B" ->
          AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
      case "M" -> AttributeValue.fromM(item(x));
      case "L" -> {
        List<AttributeValue> list = new ArrayList<>();
        x.forEach(i -> list.add(attribute(i)));
        yield AttributeValue.fromL(list);
      }
      case "SS" -> AttributeValue.fromSs(strings(x));
      case "NS" -> AttributeValue.fromNs(strings(x));
      case "BS" -> {
        List<SdkBytes> list = new ArrayList<>();
        x.forEach(i -> list.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(i.asText()))));
        yield AttributeValue.fromBs(list);
      }
      default -> throw new IllegalArgumentException("unknown attribute type " + e.getKey());
    };
  }

  private static List<String> strings(JsonNode x) {
    List<String> out = new ArrayList<>();
    x.forEach(i -> out.add(i.asText()));
    return out;
  }

  static ObjectNode json(Map<String, AttributeValue> item) {
    ObjectNode out = NODES.objectNode();
    item.forEach((k, v) -> out.set(k, json(v)));
    return out;
  }

  static ObjectNode json(AttributeValue v) {
    ObjectNode out = NODES.objectNode();
    switch (v.type()) {
      case S -> out.put("S", v.s());
      case N -> out.put("N", v.n());
      case BOOL -> out.put("BOOL", v.bool());
      case NUL -> out.put("NULL", v.nul());
      case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
      case M -> out.set("M", json(v.m()));
      case L -> {
        ArrayNode list = out.putArray("L");
        v.l().forEach(i -> list.add(json(i)));
      }
      case SS -> {
        ArrayNode list = out.putArray("SS");
        v.ss().forEach(list::add);
      }
      case NS -> {
        ArrayNode list = out.putArray("NS");
        v.ns().forEach(list::add);
      }
      case BS -> {
        ArrayNode list = out.putArray("BS");
        v.bs().forEach(b -> list.add(Base64.getEncoder().encodeToString(b.asByteArray())));
      }
      default -> throw new IllegalArgumentException("unknown attribute type " + v.type());
    }
    return out;
  }
}
