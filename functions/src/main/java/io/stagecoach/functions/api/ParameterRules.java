package io.stagecoach.functions.api;

import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which {@link Identifier} each path and query parameter of the API is. A path parameter is named
 * by its collection ({@code deployments/{id}} is a deployment id); every route's parameters must be
 * here, so a new route cannot take an unchecked one. Every parameter is checked before the route
 * runs: a value that breaks its rule is answered 400 {@code validation_failed} naming the
 * parameter, and no store ever sees it.
 */
final class ParameterRules {

  private static final Map<String, Identifier> PATH =
      Map.ofEntries(
          Map.entry("apps/{app}", Identifier.APP_NAME),
          Map.entry("environments/{env}", Identifier.ENVIRONMENT_NAME),
          Map.entry("releases/{version}", Identifier.RELEASE_VERSION),
          Map.entry("deployments/{id}", Identifier.DEPLOYMENT_ID),
          Map.entry("promotions/{id}", Identifier.PROMOTION_ID),
          Map.entry("approvals/{id}", Identifier.APPROVAL_ID),
          Map.entry("break-glass/{id}", Identifier.BREAK_GLASS_ID),
          Map.entry("tokens/{id}", Identifier.TOKEN_ID),
          Map.entry("teams/{team}", Identifier.SLACK_TEAM_ID),
          Map.entry("users/{user}", Identifier.SLACK_USER_ID),
          Map.entry("templates/{revision}", Identifier.TEMPLATE_REVISION_NUMBER));

  /**
   * Query parameters that carry identifiers. The others are numbers or flags their routes parse
   * ({@code limit}, {@code pending}); parameters no route reads are ignored.
   */
  static final Map<String, Identifier> QUERY =
      Map.of(
          "cursor", Identifier.PAGE_CURSOR,
          "version", Identifier.RELEASE_VERSION,
          "confirm", Identifier.ENVIRONMENT_NAME,
          "to", Identifier.ENVIRONMENT_NAME,
          "left", Identifier.ENVIRONMENT_NAME,
          "right", Identifier.ENVIRONMENT_NAME,
          "app", Identifier.APP_NAME);

  private ParameterRules() {}

  /**
   * The identifier kind of each path parameter of {@code template}, by parameter name.
   *
   * @throws IllegalArgumentException when a parameter has no rule
   */
  static Map<String, Identifier> pathParameters(String template) {
    Map<String, Identifier> kinds = new LinkedHashMap<>();
    String[] parts = template.substring(1).split("/");
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].startsWith("{")) {
        continue;
      }
      String key = (i == 0 ? "" : parts[i - 1]) + "/" + parts[i];
      Identifier kind = PATH.get(key);
      if (kind == null) {
        throw new IllegalArgumentException(
            "path parameter " + key + " of " + template + " has no rule in ParameterRules");
      }
      kinds.put(parts[i].substring(1, parts[i].length() - 1), kind);
    }
    return kinds;
  }

  /** Everything wrong with a request's path parameters and identifier query parameters. */
  static List<FieldError> problems(
      Map<String, Identifier> pathKinds, Map<String, String> path, Map<String, String> query) {
    List<FieldError> errors = new ArrayList<>();
    pathKinds.forEach(
        (name, kind) ->
            kind.problem(path.get(name)).ifPresent(p -> errors.add(new FieldError(name, p))));
    QUERY.forEach(
        (name, kind) -> {
          String value = query.get(name);
          // An empty value is the route's to judge: "?cursor=" is the first page.
          if (value != null && !value.isEmpty()) {
            kind.problem(value).ifPresent(p -> errors.add(new FieldError(name, p)));
          }
        });
    return errors;
  }
}
