package io.stagecoach.domain.registry;

import io.stagecoach.domain.access.ApiToken;
import io.stagecoach.domain.access.IssuedToken;
import io.stagecoach.domain.access.Principal;
import io.stagecoach.domain.access.Role;
import io.stagecoach.domain.access.TokenSpec;
import io.stagecoach.domain.common.FieldError;
import io.stagecoach.domain.common.Identifier;
import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.Saved;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.cost.UsageAssumptions;
import io.stagecoach.domain.drift.Drift;
import io.stagecoach.domain.pipeline.Stage;
import io.stagecoach.domain.pipeline.StageRules;
import io.stagecoach.domain.template.EnvironmentDns;
import io.stagecoach.domain.template.TemplateContent;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The registry's use cases: every rule an app, environment, release or token must satisfy, checked
 * before anything is written. Time and generated ids are passed in; nothing here reads a clock.
 */
public final class RegistryService {

  public static final int MAX_STAGES = 10;
  public static final int MAX_ALLOWED_ENVIRONMENTS = 50;
  public static final int MAX_CONFIG_ENTRIES = 100;
  public static final int MAX_CONFIG_VALUE = 4096;
  public static final int MAX_SECRETS = 50;
  public static final int MAX_DESCRIPTION = 256;
  public static final Duration MAX_EPHEMERAL_LIFETIME = Duration.ofDays(30);
  public static final int MAX_TOKEN_DAYS = 365;

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{7,40}");
  private static final Set<String> ARTIFACT_SCHEMES = Set.of("s3", "https", "oci");

  private final Registry registry;
  private final TemplateSource templates;
  private final TemplatePinning pinning;

  /** A registry that takes templates inline only (one at a URL is refused: nothing reads it). */
  public RegistryService(Registry registry) {
    this(registry, TemplateSource.NONE);
  }

  /**
   * @param templates reads the templates apps name by URL, to pin their content
   */
  public RegistryService(Registry registry, TemplateSource templates) {
    this.registry = registry;
    this.templates = templates;
    this.pinning = new TemplatePinning(registry, templates);
  }

  // ---------------------------------------------------------------- apps

  public Outcome<App> createApp(Principal caller, AppSpec spec, Instant now) {
    List<FieldError> errors = appProblems(spec);
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    Outcome<Optional<TemplateContent>> content = templateContent(spec);
    if (content instanceof Outcome.Rejected<Optional<TemplateContent>> r) {
      return Outcome.rejected(r.rejection());
    }
    Optional<TemplateRevision> first =
        firstRevision(
            caller, spec, ((Outcome.Accepted<Optional<TemplateContent>>) content).value(), now);
    App app = newApp(caller, spec, first, now);
    return switch (registry.createApp(app, first)) {
      case WriteResult.Written w -> Outcome.accepted(app);
      case WriteResult.AlreadyExists a ->
          Outcome.rejected(Rejection.conflict("app '" + spec.name() + "' already exists"));
      default ->
          Outcome.rejected(Rejection.conflict("app '" + spec.name() + "' could not be created"));
    };
  }

  /**
   * PUT semantics: creates the app, or replaces its definition (optionally only at a given
   * revision).
   */
  public Outcome<Saved<App>> putApp(
      Principal caller, AppSpec spec, Optional<Long> expectedRevision, Instant now) {
    List<FieldError> errors = appProblems(spec);
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    Outcome<Optional<TemplateContent>> read = templateContent(spec);
    if (read instanceof Outcome.Rejected<Optional<TemplateContent>> r) {
      return Outcome.rejected(r.rejection());
    }
    Optional<TemplateContent> content =
        ((Outcome.Accepted<Optional<TemplateContent>>) read).value();
    Optional<App> current = registry.findApp(spec.name());
    if (current.isEmpty()) {
      if (expectedRevision.isPresent()) {
        return Outcome.rejected(Rejection.notFound("app '" + spec.name() + "' does not exist"));
      }
      Optional<TemplateRevision> first = firstRevision(caller, spec, content, now);
      App app = newApp(caller, spec, first, now);
      return switch (registry.createApp(app, first)) {
        case WriteResult.Written w -> Outcome.accepted(new Saved<>(app, true));
        default -> Outcome.rejected(concurrentChange("app '" + spec.name() + "'"));
      };
    }
    App old = current.get();
    long expected = expectedRevision.orElse(old.revision());
    if (expected != old.revision()) {
      return Outcome.rejected(staleRevision("app '" + spec.name() + "'", expected, old.revision()));
    }
    // A template whose content changed (or one the app gets for the first time) is a new revision;
    // the same content again, however it is spelt or wherever it lives, is the same revision.
    Optional<TemplateRevision> next = Optional.empty();
    Optional<TemplateRevision.Ref> ref = Optional.empty();
    if (content.isPresent()) {
      String digest = TemplateRevision.digestOf(content.get().body());
      ref = old.templateRevision().filter(r -> r.digest().equals(digest));
      if (ref.isEmpty()) {
        int number =
            registry.latestTemplateRevision(old.name()).map(TemplateRevision::number).orElse(0) + 1;
        next = Optional.of(revisionOf(caller, old.name(), number, content.get(), now));
        ref = next.map(TemplateRevision::ref);
      }
    }
    App replaced =
        new App(
            old.name(),
            spec.description().orElse(""),
            spec.pipeline(),
            new LinkedHashSet<>(spec.allowedEnvironments()),
            spec.template(),
            spec.concurrency(),
            old.createdAt(),
            old.createdBy(),
            now,
            old.revision() + 1,
            spec.repository(),
            spec.ephemeral(),
            spec.freeze(),
            ref,
            new LinkedHashSet<>(spec.perEnvironmentConfig()),
            spec.driftCheckHours());
    return switch (registry.replaceApp(replaced, expected, next)) {
      case WriteResult.Written w ->
          Outcome.accepted(
              new Saved<>(replaced, false, Optional.of(Saved.revision(old.revision()))));
      case WriteResult.Missing m ->
          Outcome.rejected(Rejection.notFound("app '" + spec.name() + "' does not exist"));
      default -> Outcome.rejected(concurrentChange("app '" + spec.name() + "'"));
    };
  }

  public Outcome<App> getApp(String name) {
    return registry
        .findApp(name)
        .<Outcome<App>>map(Outcome::accepted)
        .orElseGet(() -> Outcome.rejected(Rejection.notFound("app '" + name + "' does not exist")));
  }

  public Outcome<Page<App>> listApps(PageRequest page) {
    return registry.listApps(page);
  }

  public Outcome<App> deleteApp(String name, Optional<Long> expectedRevision) {
    return getApp(name)
        .flatMap(
            app -> {
              long expected = expectedRevision.orElse(app.revision());
              if (expected != app.revision()) {
                return Outcome.rejected(
                    staleRevision("app '" + name + "'", expected, app.revision()));
              }
              return switch (registry.deleteApp(name, expected)) {
                case WriteResult.Written w -> Outcome.accepted(app);
                case WriteResult.InUse u ->
                    Outcome.rejected(
                        Rejection.conflict(
                            "app '" + name + "' still has environments; delete them first"));
                case WriteResult.Missing m ->
                    Outcome.rejected(Rejection.notFound("app '" + name + "' does not exist"));
                default -> Outcome.rejected(concurrentChange("app '" + name + "'"));
              };
            });
  }

  private static List<FieldError> perEnvironmentConfigProblems(List<String> keys) {
    List<FieldError> errors = new ArrayList<>();
    if (keys.size() > MAX_CONFIG_ENTRIES) {
      errors.add(
          new FieldError(
              "perEnvironmentConfig", "must have at most " + MAX_CONFIG_ENTRIES + " entries"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      String field = "perEnvironmentConfig[" + i + "]";
      if (!CONFIG_KEY.matcher(keys.get(i)).matches()) {
        errors.add(
            new FieldError(
                field,
                "config keys are letters, digits, '_', '.', '-' and start with a letter or '_'"));
      } else if (!seen.add(keys.get(i))) {
        errors.add(new FieldError(field, "'" + keys.get(i) + "' is already listed"));
      }
    }
    return errors;
  }

  private static App newApp(
      Principal caller, AppSpec spec, Optional<TemplateRevision> first, Instant now) {
    return new App(
        spec.name(),
        spec.description().orElse(""),
        spec.pipeline(),
        new LinkedHashSet<>(spec.allowedEnvironments()),
        spec.template(),
        spec.concurrency(),
        now,
        caller.name(),
        now,
        1,
        spec.repository(),
        spec.ephemeral(),
        spec.freeze(),
        first.map(TemplateRevision::ref),
        new LinkedHashSet<>(spec.perEnvironmentConfig()),
        spec.driftCheckHours());
  }

  /**
   * The content the app's template pins: an inline body as given (compacted), a template at a URL
   * read now. Refused with the field at fault when it cannot be read or is not a template.
   */
  private Outcome<Optional<TemplateContent>> templateContent(AppSpec spec) {
    if (spec.template().isEmpty()) {
      return Outcome.accepted(Optional.empty());
    }
    return TemplateContent.of(spec.template().get(), templates).map(Optional::of);
  }

  private static Optional<TemplateRevision> firstRevision(
      Principal caller, AppSpec spec, Optional<TemplateContent> content, Instant now) {
    return content.map(c -> revisionOf(caller, spec.name(), 1, c, now));
  }

  private static TemplateRevision revisionOf(
      Principal caller, String app, int number, TemplateContent content, Instant now) {
    return TemplateRevision.of(
        app, number, content.body(), content.url(), content.version(), now, caller.name());
  }

  // ---------------------------------------------------------------- template revisions

  public Outcome<TemplateRevision> getTemplateRevision(String app, int number) {
    if (number < 1) {
      return Outcome.rejected(Rejection.invalid("revision", "must be a whole number from 1"));
    }
    return getApp(app)
        .flatMap(
            a ->
                registry
                    .findTemplateRevision(app, number)
                    .<Outcome<TemplateRevision>>map(Outcome::accepted)
                    .orElseGet(
                        () ->
                            Outcome.rejected(
                                Rejection.notFound(
                                    "app '" + app + "' has no template revision " + number))));
  }

  /** The app's template revisions, newest first. */
  public Outcome<Page<TemplateRevision>> listTemplateRevisions(String app, PageRequest page) {
    return getApp(app).flatMap(a -> registry.listTemplateRevisions(app, page));
  }

  static List<FieldError> appProblems(AppSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    Naming.appNameProblem(spec.name()).ifPresent(p -> errors.add(new FieldError("name", p)));
    spec.description()
        .filter(d -> d.length() > MAX_DESCRIPTION)
        .ifPresent(
            d ->
                errors.add(
                    new FieldError(
                        "description", "must be at most " + MAX_DESCRIPTION + " characters")));
    if (spec.pipeline().isEmpty()) {
      errors.add(new FieldError("pipeline", "must name at least one stage"));
    } else if (spec.pipeline().size() > MAX_STAGES) {
      errors.add(new FieldError("pipeline", "must have at most " + MAX_STAGES + " stages"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < spec.pipeline().size(); i++) {
      Stage stage = spec.pipeline().get(i);
      String field = "pipeline[" + i + "]";
      Optional<String> problem = Naming.environmentNameProblem(stage.environment());
      if (problem.isPresent()) {
        errors.add(new FieldError(field, problem.get()));
      } else if (!seen.add(stage.environment())) {
        errors.add(
            new FieldError(field, "'" + stage.environment() + "' appears twice in the pipeline"));
      }
      errors.addAll(StageRules.problems(stage, field));
    }
    spec.template()
        .ifPresent(
            t ->
                t.problem()
                    .map(p -> new FieldError("template", p))
                    .or(() -> t.bodyProblem().map(p -> new FieldError("template.body", p)))
                    .ifPresent(errors::add));
    if (spec.allowedEnvironments().size() > MAX_ALLOWED_ENVIRONMENTS) {
      errors.add(
          new FieldError(
              "allowedEnvironments", "must have at most " + MAX_ALLOWED_ENVIRONMENTS + " entries"));
    }
    for (int i = 0; i < spec.allowedEnvironments().size(); i++) {
      String env = spec.allowedEnvironments().get(i);
      String field = "allowedEnvironments[" + i + "]";
      Optional<String> problem = Naming.environmentNameProblem(env);
      if (problem.isPresent()) {
        errors.add(new FieldError(field, problem.get()));
      } else if (!seen.add(env)) {
        errors.add(new FieldError(field, "'" + env + "' is already listed"));
      }
    }
    errors.addAll(perEnvironmentConfigProblems(spec.perEnvironmentConfig()));
    spec.driftCheckHours()
        .filter(h -> h < App.MIN_DRIFT_CHECK_HOURS || h > App.MAX_DRIFT_CHECK_HOURS)
        .ifPresent(
            h ->
                errors.add(
                    new FieldError(
                        "driftCheckHours",
                        "must be a whole number of hours from "
                            + App.MIN_DRIFT_CHECK_HOURS
                            + " to "
                            + App.MAX_DRIFT_CHECK_HOURS
                            + " (30 days)")));
    errors.addAll(spec.ephemeral().problems());
    // The mapping's app is the app's own name, already checked as "name".
    spec.repository()
        .ifPresent(
            mapping ->
                mapping.problems().stream()
                    .filter(e -> !e.field().equals("app"))
                    .forEach(
                        e -> errors.add(new FieldError(repositoryField(e.field()), e.message()))));
    return errors;
  }

  /**
   * A mapping's field as the API names it: {@code rules[1].ttl} is {@code
   * repository.branches[1].ttlHours}.
   */
  private static String repositoryField(String field) {
    if (field.equals("repository")) {
      return "repository.name";
    }
    String named =
        field.startsWith("rules") ? "branches" + field.substring("rules".length()) : field;
    return "repository." + (named.endsWith(".ttl") ? named + "Hours" : named);
  }

  // ---------------------------------------------------------------- environments

  /** PUT semantics: registers the environment, or replaces its description (kind cannot change). */
  public Outcome<Saved<Environment>> putEnvironment(
      Principal caller,
      String appName,
      String name,
      EnvironmentSpec spec,
      Optional<Long> expectedRevision,
      Instant now) {
    Outcome<Checked> read = check(caller, appName, name, spec, now);
    if (read instanceof Outcome.Rejected<Checked> r) {
      return Outcome.rejected(r.rejection());
    }
    Optional<Environment> current = ((Outcome.Accepted<Checked>) read).value().current();
    Environment env = ((Outcome.Accepted<Checked>) read).value().env();
    String what = "environment '" + appName + "/" + name + "'";
    if (current.isEmpty()) {
      if (expectedRevision.isPresent()) {
        return Outcome.rejected(Rejection.notFound(what + " does not exist"));
      }
      return switch (registry.createEnvironment(env)) {
        case WriteResult.Written w -> Outcome.accepted(new Saved<>(env, true));
        case WriteResult.Missing m ->
            Outcome.rejected(Rejection.notFound("app '" + appName + "' does not exist"));
        default -> Outcome.rejected(concurrentChange(what));
      };
    }
    long expected = expectedRevision.orElse(current.get().revision());
    if (expected != current.get().revision()) {
      return Outcome.rejected(staleRevision(what, expected, current.get().revision()));
    }
    return switch (registry.replaceEnvironment(env, expected)) {
      case WriteResult.Written w ->
          Outcome.accepted(new Saved<>(env, false, Optional.of(Saved.revision(expected))));
      case WriteResult.Missing m -> Outcome.rejected(Rejection.notFound(what + " does not exist"));
      default -> Outcome.rejected(concurrentChange(what));
    };
  }

  /**
   * What {@link #putEnvironment} would store for {@code spec}, or why it would refuse, without
   * writing anything: for a use case that must know before it does anything else.
   */
  public Outcome<Environment> checkEnvironment(
      Principal caller, String appName, String name, EnvironmentSpec spec, Instant now) {
    return check(caller, appName, name, spec, now).map(Checked::env);
  }

  /** The environment as registered now, and as {@code spec} would make it. */
  private record Checked(Optional<Environment> current, Environment env) {}

  private Outcome<Checked> check(
      Principal caller, String appName, String name, EnvironmentSpec spec, Instant now) {
    List<FieldError> pathErrors = new ArrayList<>();
    Naming.appNameProblem(appName).ifPresent(p -> pathErrors.add(new FieldError("app", p)));
    Naming.environmentNameProblem(name)
        .ifPresent(p -> pathErrors.add(new FieldError("environment", p)));
    if (!pathErrors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(pathErrors));
    }
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(appName, name);
    Optional<App> app = read.app();
    if (app.isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + appName + "' does not exist"));
    }
    Optional<Environment> current = read.environment();
    return environmentFrom(caller, app.get(), name, spec, current, now)
        .map(env -> new Checked(current, env));
  }

  public Outcome<Environment> getEnvironment(String app, String name) {
    List<FieldError> malformed = new ArrayList<>();
    Naming.appNameProblem(app).ifPresent(p -> malformed.add(new FieldError("app", p)));
    Naming.environmentNameProblem(name).ifPresent(p -> malformed.add(new FieldError("env", p)));
    if (!malformed.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(malformed));
    }
    return registry
        .findEnvironment(app, name)
        .<Outcome<Environment>>map(Outcome::accepted)
        .orElseGet(() -> Outcome.rejected(environmentNotFound(app, name)));
  }

  public Outcome<Page<Environment>> listEnvironments(String app, PageRequest page) {
    if (registry.findApp(app).isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + app + "' does not exist"));
    }
    return registry.listEnvironments(app, page);
  }

  /**
   * Removes an environment's registration. Only environments that never received a release can go
   * this way (the others are destroyed through their provisioner); protected ones never; shared
   * ones only when the caller repeats the environment's name in {@code confirm}.
   */
  public Outcome<Environment> deleteEnvironment(
      String app, String name, Optional<String> confirm, Optional<Long> expectedRevision) {
    return getEnvironment(app, name)
        .flatMap(
            env -> {
              String what = "environment '" + app + "/" + name + "'";
              if (env.isProtected()) {
                return Outcome.rejected(
                    Rejection.of(
                        Rejection.Code.PROTECTED,
                        what + " is protected; unprotect it before deleting it"));
              }
              if (env.hasBeenDeployed()) {
                return Outcome.rejected(
                    Rejection.conflict(
                        what + " has deployments; it must be destroyed through its provisioner"));
              }
              // A freeze closes the environment to removal too, even one that never ran a release.
              if (env.freeze().isPresent()) {
                return Outcome.rejected(
                    Rejection.of(
                        Rejection.Code.FROZEN,
                        env.freeze().get().describe(app, name) + "; unfreeze it first"));
              }
              if (env.kind().isShared() && !confirm.equals(Optional.of(name))) {
                return Outcome.rejected(
                    Rejection.invalid(
                        "confirm",
                        what + " is shared; confirm with its name (" + name + ") to delete it"));
              }
              long expected = expectedRevision.orElse(env.revision());
              if (expected != env.revision()) {
                return Outcome.rejected(staleRevision(what, expected, env.revision()));
              }
              return switch (registry.deleteEnvironment(app, name, expected)) {
                case WriteResult.Written w -> Outcome.accepted(env);
                case WriteResult.Missing m -> Outcome.rejected(environmentNotFound(app, name));
                default -> Outcome.rejected(concurrentChange(what));
              };
            });
  }

  /** The longest single extension asked for at once ({@code --by 9999h} is refused). */
  public static final Duration MAX_EXTENSION = MAX_EPHEMERAL_LIFETIME;

  /**
   * Moves an ephemeral environment's expiry to {@code at}, or {@code by} later than it is now (than
   * {@code now}, if it has already expired); never earlier, never past its app's {@code
   * ephemeral.maxLifetimeDays} after it was created (at most {@link #MAX_EPHEMERAL_LIFETIME}). Only
   * its owner or an admin may.
   */
  public Outcome<Environment> extendEnvironment(
      Principal caller,
      String app,
      String name,
      Optional<Instant> at,
      Optional<Duration> by,
      Instant now) {
    String field = at.isPresent() ? "expiresAt" : "by";
    if (by.isPresent() && (by.get().isNegative() || by.get().isZero())) {
      return Outcome.rejected(Rejection.invalid("by", "must be more than zero"));
    }
    if (by.isPresent() && by.get().compareTo(MAX_EXTENSION) > 0) {
      return Outcome.rejected(
          Rejection.invalid("by", "must be at most " + MAX_EXTENSION.toDays() + " days"));
    }
    List<FieldError> malformed = new ArrayList<>();
    Naming.appNameProblem(app).ifPresent(p -> malformed.add(new FieldError("app", p)));
    Naming.environmentNameProblem(name).ifPresent(p -> malformed.add(new FieldError("env", p)));
    if (!malformed.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(malformed));
    }
    Registry.AppAndEnvironment read = registry.findAppAndEnvironment(app, name);
    if (read.environment().isEmpty()) {
      return Outcome.rejected(environmentNotFound(app, name));
    }
    EphemeralPolicy policy = read.app().map(App::ephemeral).orElse(EphemeralPolicy.DEFAULT);
    return Outcome.<Environment>accepted(read.environment().get())
        .flatMap(
            env -> {
              String what = "environment '" + app + "/" + name + "'";
              Optional<Rejection> refusal = expiryChangeRefusal(caller, env, "extend");
              if (refusal.isPresent()) {
                return Outcome.rejected(refusal.get());
              }
              Instant current = env.expiresAt().get();
              Instant base = current.isAfter(now) ? current : now;
              Instant next = at.orElseGet(() -> base.plus(by.orElse(Duration.ZERO)));
              if (!next.isAfter(current) || !next.isAfter(now)) {
                return Outcome.rejected(
                    Rejection.invalid(
                        field,
                        "must move the expiry later than " + base + " (it is " + current + ")"));
              }
              Instant limit = ExpiryPolicy.lifetimeEnd(policy, env);
              if (next.isAfter(limit)) {
                return Outcome.rejected(
                    Rejection.invalid(
                        field,
                        "an ephemeral environment of app '"
                            + app
                            + "' lives at most "
                            + policy.maxLifetimeDays()
                            + " days (its ephemeral.maxLifetimeDays): "
                            + what
                            + " can be extended up to "
                            + limit));
              }
              Environment extended = env.expiringAt(next, now);
              return switch (registry.replaceEnvironment(extended, env.revision())) {
                case WriteResult.Written w -> Outcome.accepted(extended);
                case WriteResult.Missing m -> Outcome.rejected(environmentNotFound(app, name));
                default -> Outcome.rejected(concurrentChange(what));
              };
            });
  }

  /**
   * Keeps an ephemeral environment past its expiry (admins only, with a reason): the reaper spares
   * it and it takes releases until it is unpinned.
   */
  public Outcome<Environment> pin(
      Principal caller, String app, String name, String reason, Instant now) {
    if (!caller.may(Role.ADMIN)) {
      return Outcome.rejected(
          Rejection.of(Rejection.Code.FORBIDDEN, "only an admin may pin an environment"));
    }
    if (reason == null || reason.isBlank() || reason.length() > MAX_DESCRIPTION) {
      return Outcome.rejected(
          Rejection.invalid("reason", "is required, at most " + MAX_DESCRIPTION + " characters"));
    }
    return getEnvironment(app, name)
        .flatMap(
            env ->
                expiryChangeRefusal(caller, env, "pin")
                    .<Outcome<Environment>>map(Outcome::rejected)
                    .orElseGet(
                        () ->
                            setPin(
                                app,
                                name,
                                Optional.of(
                                    new EnvironmentPin(reason.strip(), caller.name(), now)))));
  }

  /** Lets a pinned environment expire again (admins only). */
  public Outcome<Environment> unpin(Principal caller, String app, String name) {
    if (!caller.may(Role.ADMIN)) {
      return Outcome.rejected(
          Rejection.of(Rejection.Code.FORBIDDEN, "only an admin may unpin an environment"));
    }
    return getEnvironment(app, name)
        .flatMap(
            env ->
                expiryChangeRefusal(caller, env, "unpin")
                    .<Outcome<Environment>>map(Outcome::rejected)
                    .orElseGet(() -> setPin(app, name, Optional.empty())));
  }

  /** Ephemeral environments only (the others never expire), and only by their owner or an admin. */
  private static Optional<Rejection> expiryChangeRefusal(
      Principal caller, Environment env, String verb) {
    String what = "environment '" + env.app() + "/" + env.name() + "'";
    if (env.kind() != EnvironmentKind.EPHEMERAL || env.expiresAt().isEmpty()) {
      return Optional.of(
          Rejection.conflict(
              what + " is " + env.kind().wireName() + "; only ephemeral environments expire"));
    }
    return ExpiryPolicy.ownerOrAdminOnly(caller, env, verb);
  }

  private Outcome<Environment> setPin(String app, String name, Optional<EnvironmentPin> pin) {
    return switch (registry.setPin(app, name, pin)) {
      case WriteResult.Written w -> getEnvironment(app, name);
      default -> Outcome.rejected(environmentNotFound(app, name));
    };
  }

  /**
   * Environments of every app that expire at or before {@code upTo} (pinned ones included, shown as
   * such), soonest first.
   */
  public Outcome<Page<Environment>> listExpiring(Instant upTo, PageRequest page) {
    return registry.listExpiring(upTo, page);
  }

  /** Closes an environment to releases: promotions stop at its gate until it is thawed. */
  public Outcome<Environment> freeze(
      Principal caller, String app, String name, String reason, Instant now) {
    if (reason == null || reason.isBlank() || reason.length() > MAX_DESCRIPTION) {
      return Outcome.rejected(
          Rejection.invalid("reason", "is required, at most " + MAX_DESCRIPTION + " characters"));
    }
    return setFreeze(app, name, Optional.of(new EnvironmentFreeze(reason, caller.name(), now)));
  }

  public Outcome<Environment> unfreeze(String app, String name) {
    return setFreeze(app, name, Optional.empty());
  }

  private Outcome<Environment> setFreeze(
      String app, String name, Optional<EnvironmentFreeze> freeze) {
    return switch (registry.setFreeze(app, name, freeze)) {
      case WriteResult.Written w -> getEnvironment(app, name);
      default -> Outcome.rejected(environmentNotFound(app, name));
    };
  }

  Outcome<Environment> environmentFrom(
      Principal caller,
      App app,
      String name,
      EnvironmentSpec spec,
      Optional<Environment> current,
      Instant now) {
    List<FieldError> errors = new ArrayList<>();
    EnvironmentKind kind = EnvironmentKind.PIPELINE;
    if (spec.kind().isPresent()) {
      Optional<EnvironmentKind> k = EnvironmentKind.fromWire(spec.kind().get());
      if (k.isEmpty()) {
        errors.add(new FieldError("kind", "must be one of pipeline, personal, ephemeral"));
      } else {
        kind = k.get();
      }
    } else if (current.isPresent()) {
      kind = current.get().kind();
    }
    if (current.isPresent() && current.get().kind() != kind) {
      return Outcome.rejected(
          Rejection.conflict(
              "environment '"
                  + app.name()
                  + "/"
                  + name
                  + "' is "
                  + current.get().kind().wireName()
                  + "; the kind of an environment cannot change"));
    }

    Tier tier = Tier.DEV;
    if (spec.tier().isPresent()) {
      Optional<Tier> t = Tier.fromWire(spec.tier().get());
      if (t.isEmpty()) {
        errors.add(new FieldError("tier", "must be one of dev, staging, prod"));
      } else {
        tier = t.get();
      }
    } else if (kind == EnvironmentKind.PIPELINE) {
      errors.add(new FieldError("tier", "is required for pipeline environments"));
    }
    if (kind != EnvironmentKind.PIPELINE && tier != Tier.DEV) {
      errors.add(new FieldError("tier", kind.wireName() + " environments run on the dev tier"));
    }

    if (kind == EnvironmentKind.PIPELINE && !app.allowsSharedEnvironment(name)) {
      errors.add(
          new FieldError(
              "environment",
              "'"
                  + name
                  + "' is neither a stage of app '"
                  + app.name()
                  + "' nor one of its allowed environments"));
    }
    if (kind != EnvironmentKind.PIPELINE && app.allowsSharedEnvironment(name)) {
      errors.add(
          new FieldError(
              "environment",
              "'"
                  + name
                  + "' is a shared environment of app '"
                  + app.name()
                  + "' and cannot be "
                  + kind.wireName()));
    }

    String account = spec.account().orElse(null);
    if (account == null) {
      errors.add(new FieldError("account", "is required"));
    } else if (!ACCOUNT.matcher(account).matches()) {
      errors.add(new FieldError("account", "must be a 12-digit AWS account id"));
    }
    String region = spec.region().orElse(null);
    if (region == null) {
      errors.add(new FieldError("region", "is required"));
    } else if (!REGION.matcher(region).matches()) {
      errors.add(new FieldError("region", "must be an AWS region such as eu-west-1"));
    }

    if (spec.config().size() > MAX_CONFIG_ENTRIES) {
      errors.add(new FieldError("config", "must have at most " + MAX_CONFIG_ENTRIES + " entries"));
    }
    spec.config()
        .forEach(
            (k, v) -> {
              if (!CONFIG_KEY.matcher(k).matches()) {
                errors.add(
                    new FieldError(
                        "config." + k,
                        "keys are letters, digits, '_', '.', '-' and start with a letter or '_'"));
              } else if (v.length() > MAX_CONFIG_VALUE) {
                errors.add(
                    new FieldError(
                        "config." + k, "must be at most " + MAX_CONFIG_VALUE + " characters"));
              }
            });
    if (spec.secrets().size() > MAX_SECRETS) {
      errors.add(new FieldError("secrets", "must have at most " + MAX_SECRETS + " entries"));
    }
    Map<String, SecretReference> secrets = new HashMap<>();
    spec.secrets()
        .forEach(
            (k, v) -> {
              if (!CONFIG_KEY.matcher(k).matches()) {
                errors.add(
                    new FieldError(
                        "secrets." + k,
                        "keys are letters, digits, '_', '.', '-' and start with a letter or '_'"));
                return;
              }
              Optional<String> problem = SecretReference.problem(v);
              if (problem.isPresent()) {
                // The message never echoes the value: it may be a secret pasted by mistake.
                errors.add(new FieldError("secrets." + k, problem.get()));
              } else {
                SecretReference reference = new SecretReference(v);
                // Checked against the account and region only when they are valid.
                Optional<String> elsewhere =
                    reference.problemFor(
                        account != null && ACCOUNT.matcher(account).matches() ? account : null,
                        region != null && REGION.matcher(region).matches() ? region : null);
                if (elsewhere.isPresent()) {
                  errors.add(new FieldError("secrets." + k, elsewhere.get()));
                } else {
                  secrets.put(k, reference);
                }
              }
            });
    spec.usage().ifPresent(u -> errors.addAll(UsageAssumptions.problems(u)));

    Optional<EnvironmentDns> dns = Optional.empty();
    if (spec.dns().isPresent()) {
      // The certificate is checked against the account and region only when they are valid.
      EnvironmentDns.Checked checked =
          EnvironmentDns.from(
              spec.dns().get(),
              account != null && ACCOUNT.matcher(account).matches() ? account : null,
              region != null && REGION.matcher(region).matches() ? region : null);
      errors.addAll(checked.errors());
      dns = checked.dns();
    }

    String owner = spec.owner().orElse(current.map(Environment::owner).orElse(caller.name()));
    if (!Identifier.PRINCIPAL_NAME.accepts(owner)) {
      errors.add(
          new FieldError("owner", "must be a principal name (letters, digits and ._@+=,:/-)"));
    }

    Optional<Instant> expiresAt = spec.expiresAt();
    if (kind == EnvironmentKind.EPHEMERAL) {
      // Left out, the expiry stays as it is, or a new environment lives the app's default TTL.
      EphemeralPolicy policy = app.ephemeral();
      Instant createdAt = current.map(Environment::createdAt).orElse(now);
      Instant lifetimeEnd = createdAt.plus(policy.maxLifetime());
      if (expiresAt.isEmpty()) {
        expiresAt =
            current
                .flatMap(Environment::expiresAt)
                .or(
                    () ->
                        Optional.of(
                            ExpiryPolicy.earlier(now.plus(policy.defaultTtl()), lifetimeEnd)));
      } else if (expiresAt.equals(current.flatMap(Environment::expiresAt))) {
        // Unchanged: checked when it was set (extend, renewals and pushes keep to the limits).
      } else if (!expiresAt.get().isAfter(now)) {
        errors.add(new FieldError("expiresAt", "must be in the future"));
      } else if (expiresAt.get().isAfter(lifetimeEnd)) {
        errors.add(
            new FieldError(
                "expiresAt",
                "must be at most "
                    + policy.maxLifetimeDays()
                    + " days after the environment was created (app '"
                    + app.name()
                    + "' ephemeral.maxLifetimeDays): at most "
                    + lifetimeEnd));
      }
    } else if (expiresAt.isPresent()) {
      errors.add(new FieldError("expiresAt", "only ephemeral environments expire"));
    }

    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    // Protection is an admin decision: left out, it stays as it is (or the tier's default for a new
    // environment); set to anything else, it needs the admin role.
    boolean usual = current.map(Environment::isProtected).orElse(tier == Tier.PROD);
    boolean isProtected = spec.isProtected().orElse(usual);
    if (isProtected != usual && !caller.may(Role.ADMIN)) {
      return Outcome.rejected(
          Rejection.of(
              Rejection.Code.FORBIDDEN,
              caller.name()
                  + " may not "
                  + (isProtected ? "protect" : "unprotect")
                  + " environment '"
                  + app.name()
                  + "/"
                  + name
                  + "': changing protection needs the admin role"));
    }
    Optional<Rejection> drops = dropsUnsaid(current, spec);
    if (drops.isPresent()) {
      return Outcome.rejected(drops.get());
    }
    return Outcome.accepted(
        new Environment(
            app.name(),
            name,
            kind,
            tier,
            account,
            region,
            spec.config(),
            secrets,
            spec.usage()
                .map(UsageAssumptions::new)
                .orElse(current.map(Environment::usage).orElse(UsageAssumptions.DEFAULT)),
            isProtected,
            owner,
            expiresAt,
            current.flatMap(Environment::deployed),
            current.flatMap(Environment::freeze),
            current.flatMap(Environment::pin),
            current.map(Environment::createdAt).orElse(now),
            current.map(Environment::createdBy).orElse(caller.name()),
            now,
            current.map(e -> e.revision() + 1).orElse(1L),
            dns,
            current.map(Environment::drift).orElse(Drift.UNKNOWN)));
  }

  /**
   * A replace that leaves out config or secrets the environment has would drop them without saying
   * so: refused ({@code conflict}, naming each field and key), unless the description sends them
   * (empty, to remove them all). Secret values are never named, only their keys.
   */
  static Optional<Rejection> dropsUnsaid(Optional<Environment> current, EnvironmentSpec spec) {
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Environment env = current.get();
    List<FieldError> dropped = new ArrayList<>();
    if (spec.leftOut().contains(EnvironmentSpec.CONFIG) && !env.config().isEmpty()) {
      dropped.add(
          new FieldError(
              EnvironmentSpec.CONFIG,
              "would drop " + String.join(", ", env.config().keySet()) + " (left out)"));
    }
    if (spec.leftOut().contains(EnvironmentSpec.SECRETS) && !env.secrets().isEmpty()) {
      dropped.add(
          new FieldError(
              EnvironmentSpec.SECRETS,
              "would drop the references "
                  + String.join(", ", env.secrets().keySet())
                  + " (left out)"));
    }
    if (dropped.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new Rejection(
            Rejection.Code.CONFLICT,
            "this replace of environment '"
                + env.app()
                + "/"
                + env.name()
                + "' leaves out "
                + String.join(" and ", dropped.stream().map(FieldError::field).toList())
                + " it has, and would drop them: send them again, send them empty ({}) to remove"
                + " them, or change only what you name with PATCH (application/merge-patch+json)",
            dropped));
  }

  // ---------------------------------------------------------------- releases

  /**
   * Registers a release. Registering the same artifact again answers the existing release (scripts
   * can retry); the same version with other content is a conflict: a version never changes its
   * bytes.
   */
  public Outcome<Saved<Release>> registerRelease(
      Principal caller, String appName, ReleaseSpec spec, Instant now) {
    List<FieldError> errors = new ArrayList<>();
    Identifier.RELEASE_VERSION
        .problem(spec.version())
        .ifPresent(p -> errors.add(new FieldError("version", p)));
    artifactUriProblem(spec.artifactUri())
        .ifPresent(p -> errors.add(new FieldError("artifactUri", p)));
    if (spec.digest() == null || spec.digest().isEmpty()) {
      errors.add(new FieldError("digest", "is required"));
    } else if (!DIGEST.matcher(spec.digest()).matches()) {
      errors.add(new FieldError("digest", "must be sha256: followed by 64 lowercase hex digits"));
    }
    spec.commit()
        .filter(c -> !COMMIT.matcher(c).matches())
        .ifPresent(
            c ->
                errors.add(
                    new FieldError(
                        "commit", "must be a git commit id (7-40 lowercase hex digits)")));
    if (!errors.isEmpty()) {
      return Outcome.rejected(Rejection.invalid(errors));
    }
    Optional<App> app = registry.findApp(appName);
    if (app.isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + appName + "' does not exist"));
    }
    Outcome<Optional<Integer>> bound = templateRevisionFor(app.get(), spec, now);
    if (bound instanceof Outcome.Rejected<Optional<Integer>> r) {
      return Outcome.rejected(r.rejection());
    }
    Release release =
        Release.registered(
            appName,
            spec.version(),
            spec.artifactUri(),
            spec.digest(),
            spec.commit(),
            ((Outcome.Accepted<Optional<Integer>>) bound).value(),
            now,
            caller.name());
    return switch (registry.createRelease(release)) {
      case WriteResult.Written w -> Outcome.accepted(new Saved<>(release, true));
      case WriteResult.AlreadyExists a -> {
        Optional<Release> existing = registry.findRelease(appName, spec.version());
        if (existing.isPresent()
            && existing.get().describesSameArtifactAs(release)
            && spec.templateRevision()
                .map(n -> existing.get().templateRevision().equals(Optional.of(n)))
                .orElse(true)) {
          yield Outcome.accepted(new Saved<>(existing.get(), false));
        }
        if (existing.isPresent() && existing.get().describesSameArtifactAs(release)) {
          yield Outcome.rejected(
              Rejection.conflict(
                  "release "
                      + spec.version()
                      + " of app '"
                      + appName
                      + "' is bound to "
                      + existing
                          .get()
                          .templateRevision()
                          .map(n -> "template revision " + n)
                          .orElse("the template revision of its first deployment")
                      + "; releases are immutable, register a new version"));
        }
        yield Outcome.rejected(
            Rejection.conflict(
                "release "
                    + spec.version()
                    + " of app '"
                    + appName
                    + "' already exists with another artifact; releases are immutable, register a new version"));
      }
      case WriteResult.Missing m ->
          Outcome.rejected(Rejection.notFound("app '" + appName + "' does not exist"));
      default -> Outcome.rejected(concurrentChange("release " + spec.version()));
    };
  }

  /**
   * The template revision a new release binds to: the one it names, which must exist, or the one
   * the app's template is at (none while the app has no template: then its first deployment binds
   * it).
   */
  private Outcome<Optional<Integer>> templateRevisionFor(App app, ReleaseSpec spec, Instant now) {
    if (spec.templateRevision().isPresent()) {
      int number = spec.templateRevision().get();
      if (number < 1) {
        return Outcome.rejected(
            Rejection.invalid("templateRevision", "must be a whole number from 1"));
      }
      if (registry.findTemplateRevision(app.name(), number).isEmpty()) {
        Optional<Integer> latest =
            registry.latestTemplateRevision(app.name()).map(TemplateRevision::number);
        return Outcome.rejected(
            Rejection.invalid(
                "templateRevision",
                "app '"
                    + app.name()
                    + "' has no template revision "
                    + number
                    + latest
                        .map(
                            l ->
                                l == 1
                                    ? " (its only revision is 1)"
                                    : " (its revisions are 1 to " + l + ")")
                        .orElse(" (it has no template revisions)")));
      }
      return Outcome.accepted(Optional.of(number));
    }
    return pinning.current(app, now).map(r -> r.map(TemplateRevision::number));
  }

  public Outcome<Release> getRelease(String app, String version) {
    Optional<String> malformed = Identifier.RELEASE_VERSION.problem(version);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("version", malformed.get()));
    }
    return registry
        .findRelease(app, version)
        .<Outcome<Release>>map(Outcome::accepted)
        .orElseGet(
            () ->
                Outcome.rejected(
                    registry.findApp(app).isEmpty()
                        ? Rejection.notFound("app '" + app + "' does not exist")
                        : Rejection.notFound(
                            "release " + version + " of app '" + app + "' does not exist")));
  }

  public Outcome<Page<Release>> listReleases(String app, PageRequest page) {
    if (registry.findApp(app).isEmpty()) {
      return Outcome.rejected(Rejection.notFound("app '" + app + "' does not exist"));
    }
    return registry.listReleases(app, page);
  }

  static boolean isDigest(String digest) {
    return DIGEST.matcher(digest).matches();
  }

  static Optional<String> artifactUriProblem(String uri) {
    if (uri == null || uri.isEmpty()) {
      return Optional.of("is required");
    }
    if (uri.length() > 2048) {
      return Optional.of("must be at most 2048 characters");
    }
    try {
      URI parsed = new URI(uri);
      if (parsed.getScheme() == null || !ARTIFACT_SCHEMES.contains(parsed.getScheme())) {
        return Optional.of("must be an s3://, https:// or oci:// URI");
      }
      if (parsed.getRawSchemeSpecificPart() == null
          || parsed.getRawSchemeSpecificPart().length() < 3) {
        return Optional.of("must name an artifact");
      }
      return Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.of("must be a URI");
    }
  }

  // ---------------------------------------------------------------- tokens

  /**
   * Issues a bearer token. {@code id} and {@code secret} come from the caller's random source; only
   * the secret's hash is kept.
   */
  public Outcome<IssuedToken> issueToken(
      Principal caller, TokenSpec spec, String id, String secret, Instant now) {
    List<FieldError> errors = new ArrayList<>();
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
    spec.description()
        .filter(d -> d.length() > MAX_DESCRIPTION)
        .ifPresent(
            d ->
                errors.add(
                    new FieldError(
                        "description", "must be at most " + MAX_DESCRIPTION + " characters")));
    spec.expiresInDays()
        .filter(d -> d < 1 || d > MAX_TOKEN_DAYS)
        .ifPresent(
            d ->
                errors.add(
                    new FieldError("expiresInDays", "must be between 1 and " + MAX_TOKEN_DAYS)));
    if (spec.groups().size() > 20) {
      errors.add(new FieldError("groups", "must have at most 20 entries"));
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
    ApiToken token =
        new ApiToken(
            id,
            Secrets.hash(secret),
            spec.principal(),
            roles,
            spec.description().orElse(""),
            now,
            caller.name(),
            spec.expiresInDays().map(d -> now.plus(Duration.ofDays(d))),
            new java.util.TreeSet<>(spec.groups()));
    return switch (registry.createToken(token)) {
      case WriteResult.Written w -> Outcome.accepted(new IssuedToken(token, secret));
      default -> Outcome.rejected(Rejection.conflict("token id " + id + " is taken; retry"));
    };
  }

  /** The principal a presented secret stands for, if the token exists and has not expired. */
  public Optional<Principal> authenticate(String secret, Instant now) {
    return registry
        .findTokenBySecretHash(Secrets.hash(secret))
        .filter(t -> t.isValidAt(now))
        .map(ApiToken::asPrincipal);
  }

  public Outcome<Page<ApiToken>> listTokens(PageRequest page) {
    return registry.listTokens(page);
  }

  public Outcome<ApiToken> revokeToken(String id) {
    Optional<String> malformed = Identifier.TOKEN_ID.problem(id);
    if (malformed.isPresent()) {
      return Outcome.rejected(Rejection.invalid("id", malformed.get()));
    }
    Optional<ApiToken> token = registry.findToken(id);
    if (token.isEmpty()) {
      return Outcome.rejected(Rejection.notFound("token " + id + " does not exist"));
    }
    return switch (registry.deleteToken(id)) {
      case WriteResult.Written w -> Outcome.accepted(token.get());
      default -> Outcome.rejected(Rejection.notFound("token " + id + " does not exist"));
    };
  }

  // ---------------------------------------------------------------- shared refusals

  private static Rejection environmentNotFound(String app, String name) {
    return Rejection.notFound("environment '" + app + "/" + name + "' does not exist");
  }

  private static Rejection staleRevision(String what, long expected, long actual) {
    return Rejection.conflict(
        what + " is at revision " + actual + ", not " + expected + "; read it again");
  }

  private static Rejection concurrentChange(String what) {
    return Rejection.conflict(what + " was changed by another request at the same time; retry");
  }
}
