package io.stagecoach.domain.chat;

import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.common.FieldError;
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
import java.util.regex.Pattern;

/**
 * Who is who in Slack: the admin's use cases that link Slack accounts to principals and apps to
 * channels, and the lookup every Slack request starts with. Nothing here trusts a Slack id that the
 * request's signature did not vouch for; that is the webhook's job.
 */
public final class SlackDirectoryService {

  /**
   * Workspace ids: {@code T...} (or {@code E...} for an Enterprise Grid organisation), uppercase.
   */
  public static final Pattern TEAM_ID = Pattern.compile("[TE][A-Z0-9]{2,31}");

  /** Member ids: {@code U...}, or {@code W...} for Enterprise Grid members. */
  public static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,31}");

  /** Public ({@code C}) and private ({@code G}) channels. */
  public static final Pattern CHANNEL_ID = Pattern.compile("[CG][A-Z0-9]{2,31}");

  public static final int MAX_GROUPS = 20;

  private final SlackDirectory directory;
  private final Registry registry;

  public SlackDirectoryService(SlackDirectory directory, Registry registry) {
    this.directory = directory;
    this.registry = registry;
  }

  /** The principal a Slack account acts as; empty when nobody linked it. */
  public Optional<Principal> principalOf(String teamId, String userId) {
    if (!TEAM_ID.matcher(teamId).matches() || !USER_ID.matcher(userId).matches()) {
      return Optional.empty();
    }
    return directory.findUser(teamId, userId).map(SlackUser::asPrincipal);
  }

  public Outcome<Saved<SlackUser>> linkUser(
      Principal caller, String teamId, String userId, SlackUserSpec spec, Instant now) {
    List<FieldError> errors = idProblems(teamId, userId);
    if (spec.principal() == null || spec.principal().isEmpty()) {
      errors.add(new FieldError("principal", "is required"));
    } else if (!Principal.NAME.matcher(spec.principal()).matches()) {
      errors.add(
          new FieldError(
              "principal",
              "must be 1-128 letters, digits and ._@+=,:/- starting with a letter or digit"));
    }
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
      if (!Principal.GROUP.matcher(spec.groups().get(i)).matches()) {
        errors.add(
            new FieldError(
                "groups[" + i + "]",
                "must be 1-32 lowercase letters, digits and - starting with a letter"));
      }
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
    if (channelId == null || !CHANNEL_ID.matcher(channelId).matches()) {
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
    if (teamId == null || !TEAM_ID.matcher(teamId).matches()) {
      errors.add(new FieldError("team", "must be a Slack workspace id such as T0123ABCD"));
    }
    if (userId == null || !USER_ID.matcher(userId).matches()) {
      errors.add(new FieldError("user", "must be a Slack member id such as U0123ABCD"));
    }
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
