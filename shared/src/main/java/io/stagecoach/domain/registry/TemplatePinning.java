package io.stagecoach.domain.registry;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.template.EnvironmentTemplate;
import io.stagecoach.domain.template.TemplateContent;
import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.time.Instant;
import java.util.Optional;

/**
 * Which template revision a release is made from: the one rule every surface and the provisioners
 * follow. A release registered with a revision always uses it. A release registered before template
 * revisions existed (or while its app had no template) is bound, at its first deployment, to the
 * revision its app's template is at then, and keeps it from then on; an app registered before
 * revisions gets its first revision the first time one is needed, from the template it has then.
 * Both bindings are conditional writes, so concurrent first uses agree on one revision.
 */
public final class TemplatePinning {

  /** Conditional writes lost to another first use, read again and retried. */
  static final int MAX_PIN_WRITES = 3;

  private final Registry registry;
  private final TemplateSource source;

  /**
   * @param source reads the template of an app registered before revisions when it is at a URL
   *     (only the API's side may read S3; elsewhere {@link TemplateSource#NONE})
   */
  public TemplatePinning(Registry registry, TemplateSource source) {
    this.registry = registry;
    this.source = source;
  }

  /** What a plan uses: a revision, or (nothing pinned yet, nothing written) the app's template. */
  public record Resolved(EnvironmentTemplate template, Optional<Integer> revision) {}

  /**
   * The revision the app's template is at (empty when it has no template). An app registered before
   * revisions gets its first revision now.
   */
  public Outcome<Optional<TemplateRevision>> current(App app, Instant now) {
    App read = app;
    for (int attempt = 1; attempt <= MAX_PIN_WRITES; attempt++) {
      if (read.template().isEmpty()) {
        return Outcome.accepted(Optional.empty());
      }
      if (read.templateRevision().isPresent()) {
        String name = read.name();
        int number = read.templateRevision().get().number();
        return registry
            .findTemplateRevision(name, number)
            .<Outcome<Optional<TemplateRevision>>>map(r -> Outcome.accepted(Optional.of(r)))
            .orElseGet(() -> Outcome.rejected(missing(name, number)));
      }
      Outcome<TemplateContent> content = TemplateContent.of(read.template().get(), source);
      if (content instanceof Outcome.Rejected<TemplateContent> r) {
        return Outcome.rejected(
            Rejection.conflict(
                "app '"
                    + read.name()
                    + "' was registered before template revisions, and its template cannot be"
                    + " pinned now ("
                    + r.rejection().detail()
                    + "); give the app its template again (PUT) to pin it"));
      }
      TemplateContent c = ((Outcome.Accepted<TemplateContent>) content).value();
      int next =
          registry.latestTemplateRevision(read.name()).map(TemplateRevision::number).orElse(0);
      TemplateRevision first =
          TemplateRevision.of(
              read.name(), next + 1, c.body(), c.url(), c.version(), now, read.createdBy());
      if (registry.pinAppTemplate(first) instanceof WriteResult.Written) {
        return Outcome.accepted(Optional.of(first));
      }
      // Another request pinned it (or changed the app) meanwhile: take what is there now.
      Optional<App> again = registry.findApp(read.name());
      if (again.isEmpty()) {
        return Outcome.rejected(Rejection.notFound("app '" + app.name() + "' does not exist"));
      }
      read = again.get();
    }
    return Outcome.rejected(
        Rejection.conflict(
            "app '" + app.name() + "' changed while its template was being pinned; retry"));
  }

  /**
   * The revision {@code release} is made from: its own; for a release bound to none yet, the app's
   * current one, bound to it now for good.
   */
  public Outcome<TemplateRevision> forRelease(App app, Release release, Instant now) {
    if (release.templateRevision().isPresent()) {
      int number = release.templateRevision().get();
      return registry
          .findTemplateRevision(app.name(), number)
          .<Outcome<TemplateRevision>>map(Outcome::accepted)
          .orElseGet(() -> Outcome.rejected(missing(app.name(), number)));
    }
    Outcome<Optional<TemplateRevision>> current = current(app, now);
    if (current instanceof Outcome.Rejected<Optional<TemplateRevision>> r) {
      return Outcome.rejected(r.rejection());
    }
    Optional<TemplateRevision> revision =
        ((Outcome.Accepted<Optional<TemplateRevision>>) current).value();
    if (revision.isEmpty()) {
      return Outcome.rejected(
          Rejection.conflict(
              "app '"
                  + app.name()
                  + "' has no environment template; give the app one before deploying"));
    }
    return switch (registry.pinReleaseTemplate(
        app.name(), release.version(), revision.get().number())) {
      case WriteResult.Written w -> Outcome.accepted(revision.get());
      case WriteResult.Missing m ->
          Outcome.rejected(
              Rejection.notFound(
                  "release " + release.version() + " of app '" + app.name() + "' does not exist"));
      default -> {
        // Bound by another first deployment meanwhile: that binding holds.
        Optional<Integer> bound =
            registry.findRelease(app.name(), release.version()).flatMap(Release::templateRevision);
        yield bound.isEmpty()
            ? Outcome.rejected(
                Rejection.conflict(
                    "release " + release.version() + " changed while it was being bound; retry"))
            : forRelease(app, release.pinnedTo(bound.get()), now);
      }
    };
  }

  /**
   * What a plan of {@code release} uses, writing nothing: its revision, else the revision the app's
   * template is at, else (an app registered before revisions) the app's template itself.
   */
  public Outcome<Resolved> peek(App app, Release release) {
    Optional<Integer> number =
        release
            .templateRevision()
            .or(() -> app.templateRevision().map(TemplateRevision.Ref::number));
    if (number.isPresent()) {
      return registry
          .findTemplateRevision(app.name(), number.get())
          .<Outcome<Resolved>>map(
              r -> Outcome.accepted(new Resolved(r.template(), Optional.of(r.number()))))
          .orElseGet(() -> Outcome.rejected(missing(app.name(), number.get())));
    }
    return app.template()
        .<Outcome<Resolved>>map(t -> Outcome.accepted(new Resolved(t, Optional.empty())))
        .orElseGet(
            () ->
                Outcome.rejected(
                    Rejection.conflict("app '" + app.name() + "' has no environment template")));
  }

  private static Rejection missing(String app, int number) {
    return Rejection.conflict("template revision " + number + " of app '" + app + "' is missing");
  }
}
