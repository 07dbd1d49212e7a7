package io.stagecoach.functions.api;

import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.common.Identifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One route of the v1 API: method, path template ({@code /v1/apps/{app}}), the action it performs
 * (which names the role it needs; empty: public) and whether it takes a JSON body.
 */
record Route(
    String method,
    String template,
    Optional<Action> action,
    boolean takesBody,
    Function<ApiRequest, ApiResponse> handler,
    Map<String, Identifier> parameterKinds) {

  /**
   * A route whose path parameters are checked by {@link ParameterRules}; a parameter without a rule
   * fails here, when the API is built.
   */
  Route(
      String method,
      String template,
      Optional<Action> action,
      boolean takesBody,
      Function<ApiRequest, ApiResponse> handler) {
    this(
        method,
        template,
        action,
        takesBody,
        handler,
        java.util.Collections.unmodifiableMap(ParameterRules.pathParameters(template)));
  }

  /** A route that needs a token allowing {@code action}. */
  static Route of(
      String method,
      String template,
      Action action,
      boolean takesBody,
      Function<ApiRequest, ApiResponse> handler) {
    return new Route(method, template, Optional.of(action), takesBody, handler);
  }

  List<String> segments() {
    List<String> parts = new ArrayList<>();
    for (String s : template.substring(1).split("/")) {
      parts.add(s);
    }
    return parts;
  }

  /** The path parameters when {@code path} (decoded segments) fits this route's template. */
  Optional<Map<String, String>> match(List<String> path) {
    List<String> parts = segments();
    if (parts.size() != path.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      if (part.startsWith("{") && part.endsWith("}")) {
        if (path.get(i).isEmpty()) {
          return Optional.empty();
        }
        params.put(part.substring(1, part.length() - 1), path.get(i));
      } else if (!part.equals(path.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }
}
