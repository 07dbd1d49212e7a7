package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.access.Action;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.chat.SlackChannel;
import io.stagecoach.domain.chat.SlackDirectoryService;
import io.stagecoach.domain.chat.SlackUser;
import io.stagecoach.domain.chat.SlackUserSpec;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.functions.support.Json;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Slack links, for admins: which Slack account acts as which principal (with its roles and groups),
 * and which channel an app's approval requests are posted to. Reading an app's channel needs only a
 * viewer.
 */
final class SlackRoutes {

  private final Optional<SlackDirectoryService> slack;
  private final Clock clock;

  /** {@code slack} empty: an API without a Slack directory, whose Slack routes answer 503. */
  SlackRoutes(Optional<SlackDirectoryService> slack, Clock clock) {
    this.slack = slack;
    this.clock = clock;
  }

  List<Route> routes() {
    return List.of(
        Route.of("GET", "/v1/slack/users", Action.MANAGE_ACCESS, false, this::listUsers),
        Route.of(
            "PUT",
            "/v1/slack/teams/{team}/users/{user}",
            Action.MANAGE_ACCESS,
            true,
            this::linkUser),
        Route.of(
            "GET",
            "/v1/slack/teams/{team}/users/{user}",
            Action.MANAGE_ACCESS,
            false,
            this::getUser),
        Route.of(
            "DELETE",
            "/v1/slack/teams/{team}/users/{user}",
            Action.MANAGE_ACCESS,
            false,
            this::unlinkUser),
        Route.of("PUT", "/v1/apps/{app}/slack", Action.MANAGE_ACCESS, true, this::setChannel),
        Route.of("GET", "/v1/apps/{app}/slack", Action.READ, false, this::getChannel),
        Route.of(
            "DELETE", "/v1/apps/{app}/slack", Action.MANAGE_ACCESS, false, this::unsetChannel));
  }

  private ApiResponse listUsers(ApiRequest req) {
    return with(
        req,
        s ->
            RegistryRoutes.pageRequest(req)
                .map(
                    page ->
                        RegistryRoutes.answer(
                            req, s.users(page), p -> Views.page(p, SlackRoutes::user)))
                .fold());
  }

  private ApiResponse linkUser(ApiRequest req) {
    return with(
        req,
        s ->
            RegistryRoutes.body(req)
                .map(
                    fields -> {
                      SlackUserSpec spec =
                          new SlackUserSpec(
                              fields.requiredString("principal"),
                              fields.strings("roles"),
                              fields.strings("groups"));
                      List<FieldError> errors = fields.errors();
                      if (!errors.isEmpty()) {
                        return RegistryRoutes.invalid(req, errors);
                      }
                      return saved(
                          req,
                          s.linkUser(
                              req.caller(),
                              req.param("team"),
                              req.param("user"),
                              spec,
                              clock.instant()),
                          SlackRoutes::user);
                    })
                .fold());
  }

  private ApiResponse getUser(ApiRequest req) {
    return with(
        req,
        s ->
            RegistryRoutes.answer(
                req, s.user(req.param("team"), req.param("user")), SlackRoutes::user));
  }

  private ApiResponse unlinkUser(ApiRequest req) {
    return with(req, s -> noContent(req, s.unlinkUser(req.param("team"), req.param("user"))));
  }

  private ApiResponse setChannel(ApiRequest req) {
    return with(
        req,
        s ->
            RegistryRoutes.body(req)
                .map(
                    fields -> {
                      String channel = fields.requiredString("channel");
                      List<FieldError> errors = fields.errors();
                      if (!errors.isEmpty()) {
                        return RegistryRoutes.invalid(req, errors);
                      }
                      return saved(
                          req,
                          s.setChannel(req.caller(), req.param("app"), channel, clock.instant()),
                          SlackRoutes::channel);
                    })
                .fold());
  }

  private ApiResponse getChannel(ApiRequest req) {
    return with(
        req, s -> RegistryRoutes.answer(req, s.channel(req.param("app")), SlackRoutes::channel));
  }

  private ApiResponse unsetChannel(ApiRequest req) {
    return with(req, s -> noContent(req, s.unsetChannel(req.param("app"))));
  }

  private ApiResponse with(ApiRequest req, Function<SlackDirectoryService, ApiResponse> route) {
    return slack
        .map(route)
        .orElseGet(
            () ->
                ApiResponse.problem(
                    503,
                    "internal_error",
                    "Slack is not configured",
                    "this API has no Slack directory",
                    req.path()));
  }

  private static <T> ApiResponse saved(
      ApiRequest req, Outcome<Saved<T>> outcome, Function<T, ObjectNode> view) {
    return switch (outcome) {
      case Outcome.Accepted<Saved<T>> a ->
          ApiResponse.json(a.value().created() ? 201 : 200, view.apply(a.value().value()));
      case Outcome.Rejected<Saved<T>> r -> ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  private static <T> ApiResponse noContent(ApiRequest req, Outcome<T> outcome) {
    return switch (outcome) {
      case Outcome.Accepted<T> a -> ApiResponse.noContent();
      case Outcome.Rejected<T> r -> ApiResponse.rejection(r.rejection(), req.path());
    };
  }

  static ObjectNode user(SlackUser user) {
    ObjectNode o = Json.object();
    o.put("team", user.teamId());
    o.put("user", user.userId());
    o.put("principal", user.principal());
    ArrayNode roles = o.putArray("roles");
    user.roles().stream().sorted().map(Role::wireName).forEach(roles::add);
    ArrayNode groups = o.putArray("groups");
    user.groups().stream().sorted().forEach(groups::add);
    o.put("updatedAt", user.updatedAt().toString());
    o.put("updatedBy", user.updatedBy());
    return o;
  }

  static ObjectNode channel(SlackChannel channel) {
    return Json.object()
        .put("app", channel.app())
        .put("channel", channel.channelId())
        .put("updatedAt", channel.updatedAt().toString())
        .put("updatedBy", channel.updatedBy());
  }
}
