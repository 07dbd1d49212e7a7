package io.stagecoach.local.apigateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.local.template.CloudTemplate;
import io.stagecoach.local.template.TemplateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One REST API of the template: its resource tree, methods, authorizers, stage and gateway
 * responses, and API Gateway's route selection over them (a literal path part beats a {@code
 * {variable}}, which beats a greedy {@code {variable+}}).
 */
public final class RestApiModel {

  public record Method(
      String httpMethod,
      String authorizationType,
      Optional<String> authorizerId,
      String integrationType,
      Optional<String> functionLogicalId,
      String resourceId) {}

  public record Authorizer(
      String logicalId,
      String type,
      String functionLogicalId,
      String identityHeader,
      Optional<String> validationExpression,
      int ttlSeconds) {}

  public record GatewayResponse(
      String type,
      Optional<Integer> statusCode,
      Map<String, String> headers,
      Optional<String> body) {}

  /**
   * A node of the resource tree; {@code path} is the template path, such as {@code /v1/{proxy+}}.
   */
  public static final class Node {
    final String logicalId;
    final String pathPart;
    final String path;
    final List<Node> children = new ArrayList<>();
    final Map<String, Method> methods = new LinkedHashMap<>();

    Node(String logicalId, String pathPart, String path) {
      this.logicalId = logicalId;
      this.pathPart = pathPart;
      this.path = path;
    }

    public String path() {
      return path;
    }

    public String logicalId() {
      return logicalId;
    }

    boolean isGreedy() {
      return pathPart.startsWith("{") && pathPart.endsWith("+}");
    }

    boolean isVariable() {
      return pathPart.startsWith("{") && pathPart.endsWith("}") && !isGreedy();
    }

    String variableName() {
      return pathPart.substring(1, pathPart.length() - (isGreedy() ? 2 : 1));
    }

    public Optional<Method> method(String httpMethod) {
      Method m = methods.get(httpMethod);
      return Optional.ofNullable(m != null ? m : methods.get("ANY"));
    }
  }

  /**
   * The resource a request path selects, with its path parameters (raw, as API Gateway passes
   * them).
   */
  public record Match(Node node, Map<String, String> pathParameters) {}

  private final String logicalId;
  private final String apiId;
  private final String stageName;
  private final Node root;
  private final Map<String, Authorizer> authorizers = new HashMap<>();
  private final Map<String, GatewayResponse> gatewayResponses = new HashMap<>();

  public RestApiModel(CloudTemplate template, String restApiLogicalId) {
    this.logicalId = restApiLogicalId;
    this.apiId = template.ref(restApiLogicalId);
    this.root = new Node(restApiLogicalId, "", "/");
    Map<String, Node> nodes = new HashMap<>();
    nodes.put(restApiLogicalId, root);

    List<CloudTemplate.Resource> resources =
        template.ofType("AWS::ApiGateway::Resource").stream().filter(r -> belongsHere(r)).toList();
    // Parents can come after children in the template: attach in passes until nothing changes.
    List<CloudTemplate.Resource> pending = new ArrayList<>(resources);
    while (!pending.isEmpty()) {
      int before = pending.size();
      for (var it = pending.iterator(); it.hasNext(); ) {
        CloudTemplate.Resource r = it.next();
        String parent = parentOf(r.properties().path("ParentId"));
        Node parentNode = nodes.get(parent);
        if (parentNode == null) {
          continue;
        }
        String part = template.text(r, "PathPart", "");
        Node node =
            new Node(r.logicalId(), part, (parentNode == root ? "" : parentNode.path) + "/" + part);
        parentNode.children.add(node);
        nodes.put(r.logicalId(), node);
        it.remove();
      }
      if (pending.size() == before) {
        throw new TemplateException(
            "API resources "
                + pending.stream().map(CloudTemplate.Resource::logicalId).toList()
                + " have a ParentId that is not part of "
                + restApiLogicalId);
      }
    }

    for (CloudTemplate.Resource m : template.ofType("AWS::ApiGateway::Method")) {
      if (!belongsHere(m)) {
        continue;
      }
      String resourceId = parentOf(m.properties().path("ResourceId"));
      Node node = nodes.get(resourceId);
      if (node == null) {
        throw new TemplateException(
            "method " + m.logicalId() + " is on an unknown resource " + resourceId);
      }
      String verb = template.text(m, "HttpMethod", "").toUpperCase(Locale.ROOT);
      JsonNode integration = m.properties().path("Integration");
      String integrationType = integration.path("Type").asText("MOCK");
      Optional<String> function =
          "AWS_PROXY".equals(integrationType)
              ? template.functionReferencedBy(integration.path("Uri"))
              : Optional.empty();
      List<String> authorizerRefs =
          CloudTemplate.referencedIds(m.properties().path("AuthorizerId"));
      node.methods.put(
          verb,
          new Method(
              verb,
              template.text(m, "AuthorizationType", "NONE"),
              authorizerRefs.stream().findFirst(),
              integrationType,
              function,
              node.logicalId));
    }

    for (CloudTemplate.Resource a : template.ofType("AWS::ApiGateway::Authorizer")) {
      if (!belongsHere(a)) {
        continue;
      }
      Optional<String> fn = template.functionReferencedBy(a.properties().path("AuthorizerUri"));
      if (fn.isEmpty()) {
        throw new TemplateException(
            "authorizer "
                + a.logicalId()
                + " does not point at a Lambda function of this template");
      }
      String source = template.text(a, "IdentitySource", "method.request.header.Authorization");
      String header =
          source.startsWith("method.request.header.")
              ? source.substring("method.request.header.".length())
              : source;
      JsonNode regex = template.property(a, "IdentityValidationExpression");
      authorizers.put(
          a.logicalId(),
          new Authorizer(
              a.logicalId(),
              template.text(a, "Type", "TOKEN"),
              fn.get(),
              header,
              regex.isTextual() ? Optional.of(regex.asText()) : Optional.empty(),
              template.property(a, "AuthorizerResultTtlInSeconds").asInt(300)));
    }

    for (CloudTemplate.Resource g : template.ofType("AWS::ApiGateway::GatewayResponse")) {
      if (!belongsHere(g)) {
        continue;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      template
          .property(g, "ResponseParameters")
          .properties()
          .forEach(
              e -> {
                String key = e.getKey();
                String value = e.getValue().asText();
                if (key.startsWith("gatewayresponse.header.")
                    && value.length() >= 2
                    && value.startsWith("'")
                    && value.endsWith("'")) {
                  headers.put(
                      key.substring("gatewayresponse.header.".length()),
                      value.substring(1, value.length() - 1));
                }
              });
      JsonNode templates = template.property(g, "ResponseTemplates");
      Optional<String> body =
          templates.has("application/json")
              ? Optional.of(templates.get("application/json").asText())
              : templates.isObject() && !templates.isEmpty()
                  ? Optional.of(templates.elements().next().asText())
                  : Optional.empty();
      JsonNode status = template.property(g, "StatusCode");
      String type = template.text(g, "ResponseType", "");
      gatewayResponses.put(
          type,
          new GatewayResponse(
              type,
              status.isMissingNode()
                  ? Optional.empty()
                  : Optional.of(Integer.parseInt(status.asText())),
              headers,
              body));
    }

    this.stageName =
        template.ofType("AWS::ApiGateway::Stage").stream()
            .filter(this::belongsHere)
            .map(s -> template.text(s, "StageName", "prod"))
            .findFirst()
            .orElse("prod");
    this.templateRef = template;
  }

  private final CloudTemplate templateRef;

  private boolean belongsHere(CloudTemplate.Resource r) {
    return CloudTemplate.referencedIds(r.properties().path("RestApiId")).contains(logicalId);
  }

  private String parentOf(JsonNode value) {
    List<String> ids = CloudTemplate.referencedIds(value);
    return ids.isEmpty() ? "" : ids.get(0);
  }

  public String apiId() {
    return apiId;
  }

  public String stageName() {
    return stageName;
  }

  public String region() {
    return templateRef.region();
  }

  /** The functions a request to this API may invoke: its authorizers' and its methods'. */
  public java.util.Set<String> functionLogicalIds() {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    authorizers.values().forEach(a -> ids.add(a.functionLogicalId()));
    java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Node n = todo.pop();
      n.methods.values().forEach(m -> m.functionLogicalId().ifPresent(ids::add));
      todo.addAll(n.children);
    }
    return ids;
  }

  public Optional<Authorizer> authorizer(String logicalId) {
    return Optional.ofNullable(authorizers.get(logicalId));
  }

  public Optional<GatewayResponse> gatewayResponse(String type) {
    return Optional.ofNullable(gatewayResponses.get(type));
  }

  /**
   * The resource for a request path (relative to the stage, leading {@code /}). Literal parts win
   * over variables, variables over greedy variables; a greedy variable takes the rest of the path,
   * inner empty parts included, without a trailing slash.
   */
  public Optional<Match> match(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    if (trimmed.isEmpty()) {
      return Optional.of(new Match(root, Map.of()));
    }
    String[] parts =
        (trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed)
            .split("/", -1);
    return match(root, parts, 0, new LinkedHashMap<>());
  }

  private Optional<Match> match(Node node, String[] parts, int index, Map<String, String> params) {
    if (index == parts.length) {
      return Optional.of(new Match(node, Map.copyOf(params)));
    }
    String part = parts[index];
    if (!part.isEmpty()) {
      for (Node child : node.children) {
        if (!child.isVariable() && !child.isGreedy() && child.pathPart.equals(part)) {
          Optional<Match> m = match(child, parts, index + 1, params);
          if (m.isPresent()) {
            return m;
          }
        }
      }
      for (Node child : node.children) {
        if (child.isVariable()) {
          params.put(child.variableName(), part);
          Optional<Match> m = match(child, parts, index + 1, params);
          if (m.isPresent()) {
            return m;
          }
          params.remove(child.variableName());
        }
      }
    }
    for (Node child : node.children) {
      if (child.isGreedy()) {
        Map<String, String> withRest = new LinkedHashMap<>(params);
        withRest.put(
            child.variableName(),
            String.join("/", java.util.Arrays.copyOfRange(parts, index, parts.length)));
        return Optional.of(new Match(child, withRest));
      }
    }
    return Optional.empty();
  }
}
