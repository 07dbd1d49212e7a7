package io.stagecoach.domain.chat;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.registry.Registry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is who in Slack: the admin's use cases that link Slack accounts to principals and apps to
 * channels, and the lookup every Slack request starts with. Nothing here trusts a Slack id that the
 * request's signature did not vouch for; that is the webhook's job.
 */
public final class SlackDirectoryService {

  public static final int MAX_GROUPS = 20;

  private final SlackDirectory directory;
  private final Registry registry;

  public SlackDirectoryService(SlackDirectory directory, Registry registry) {
    this.directory = directory;
    this.registry = registry;
  }

  /** The principal a Slack account acts as; empty when nobody linked it. */
  public Optional<Principal> principalOf(String teamId, String userId) {
    if (!Identifier.SLACK_TEAM_ID.accepts(teamId) || !Identifier.SLACK_USER_ID.accepts(userId)) {
      return Optional.empty();
    }
    return directory.findUser(teamId, userId).map(SlackUser::asPrincipal);
  }

  public Outcome<Saved<SlackUser>> linkUser(
      Principal caller, String teamId, String userId, SlackUserSpec spec, Instant now) {
    List<FieldError> errors = idProblems(teamId, userId);
    Identifier.PRINCIPAL_NAME
        .problem(spec.principal())
        .ifPresent(p -> errors.add(new FieldError("principal", p)));
    Set<Role> roles = EnumSet.noneOf(Role.class);
    if (spec.roles().isEmpty()) {
      errors.add(new FieldError("roles", "must name at least one role"));
    }
    for (int i = 0; i < spec.roles().size(); i++) {
      Optional<Role> role = Role.fromWire(spec.roles().get(i));
      if (role.isEmpty()) {
        errors.add(new FieldError("roles[" + i + "]", "must be one of viewer, deployer, admin"));
      } else {
        roles.add(role.get());
      }
    }
    if (spec.groups().size() > MAX_GROUPS) {
      errors.add(new FieldError("groups", "must have at most " + MAX_GROUPS + " entries"));
    }
    for (int i = 0; i < spec.groups().size(); i++) {
      String at = "groups[" + i + "]";
      Identifier.GROUP_NAME
          .problem(spec.groups().get(i))
          .ifPresent(p -> errors.add(new FieldError(at, p)));
    }
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    boolean created = directory.findUser(teamId, userId).isEmpty();
    SlackUser user =
        new SlackUser(
            teamId,
            userId,
            spec.principal(),
            roles,
            new TreeSet<>(spec.groups()),
            now,
            caller.name());
    return switch (directory.putUser(user)) {
      case WriteResult.Written w -> Outcome.accepted(new Saved<>(user, created));
      default ->
          Outcome.rejected(
              Rejection.conflict("Slack user " + userId + " was changed at the same time; retry"));
    };
  }

  public Outcome<SlackUser> user(String teamId, String userId) {
    List<FieldError> errors = idProblems(teamId, userId);
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    return directory
        .findUser(teamId, userId)
        .<Outcome<SlackUser>>map(Outcome::accepted)
        .orElseGet(() -> Outcome.rejected(notLinked(teamId, userId)));
  }

  public Outcome<Page<SlackUser>> users(PageRequest page) {
    return directory.listUsers(page);
  }

  public Outcome<SlackUser> unlinkUser(String teamId, String userId) {
    return user(teamId, userId)
        .flatMap(
            user ->
                switch (directory.deleteUser(teamId, userId)) {
                  case WriteResult.Written w -> Outcome.accepted(user);
                  default -> Outcome.rejected(notLinked(teamId, userId));
                });
  }

  public Outcome<Saved<SlackChannel>> setChannel(
      Principal caller, String app, String channelId, Instant now) {
    if (!Identifier.SLACK_CHANNEL_ID.accepts(channelId)) {
      return Outcome.rejected(
          Rejection.invalid(
              "channel",
              "must be a Slack channel id such as C0123ABCD (the channel's details show it), not its name"));
    }
    if (registry.findApp(app).isEmpty()) {
      return Outcome.rejected(appMissing(app));
    }
    boolean created = directory.findChannel(app).isEmpty();
    SlackChannel channel = new SlackChannel(app, channelId, now, caller.name());
    return switch (directory.putChannel(channel)) {
      case WriteResult.Written w -> Outcome.accepted(new Saved<>(channel, created));
      case WriteResult.Missing m -> Outcome.rejected(appMissing(app));
      default ->
          Outcome.rejected(
              Rejection.conflict(
                  "the Slack channel of app '" + app + "' was changed at the same time; retry"));
    };
  }

  public Outcome<SlackChannel> channel(String app) {
    return directory
        .findChannel(app)
        .<Outcome<SlackChannel>>map(Outcome::accepted)
        .orElseGet(
            () ->
                Outcome.rejected(
                    registry.findApp(app).isEmpty()
                        ? appMissing(app)
                        : Rejection.notFound("app '" + app + "' has no Slack channel")));
  }

  public Outcome<SlackChannel> unsetChannel(String app) {
    return channel(app)
        .flatMap(
            channel ->
                switch (directory.deleteChannel(app)) {
                  case WriteResult.Written w -> Outcome.accepted(channel);
                  default ->
                      Outcome.rejected(
                          Rejection.notFound("app '" + app + "' has no Slack channel"));
                });
  }

  private static List<FieldError> idProblems(String teamId, String userId) {
    List<FieldError> errors = new ArrayList<>();
    Identifier.SLACK_TEAM_ID.problem(teamId).ifPresent(p -> errors.add(new FieldError("team", p)));
    Identifier.SLACK_USER_ID.problem(userId).ifPresent(p -> errors.add(new FieldError("user", p)));
    return errors;
  }

  private static Rejection notLinked(String teamId, String userId) {
    return Rejection.notFound(
        "Slack user " + userId + " of workspace " + teamId + " is not linked to a principal");
  }

  private static Rejection appMissing(String app) {
    return Rejection.notFound("app '" + app + "' does not exist");
  }
}
