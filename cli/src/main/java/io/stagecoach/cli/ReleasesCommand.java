package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach releases}: an app's immutable releases. */
@Command(
    name = "releases",
    description = "An app's releases: immutable artifacts identified by their digest.",
    subcommands = {
      ReleasesCommand.ListReleases.class,
      ReleasesCommand.GetRelease.class,
      ReleasesCommand.CreateRelease.class
    })
final class ReleasesCommand extends CommandGroup {

  static ApiPath path(String app) {
    return ApiPath.of("v1", "apps", app, "releases");
  }

  static void print(JsonNode release, Session s) {
    String intake = JsonText.text(release, "intake");
    String reason = JsonText.text(release, "intakeReason");
    new Details()
        .add("release", JsonText.text(release, "app") + " " + JsonText.text(release, "version"))
        .add("artifact", JsonText.text(release, "artifactUri"))
        .add("digest", JsonText.text(release, "digest"))
        .add("commit", JsonText.text(release, "commit"))
        .add("template", revision(release))
        .add("intake", reason.isEmpty() ? intake : intake + " (" + reason + ")")
        .add("created", s.when(release, "createdAt", "createdBy"))
        .print(s.out());
  }

  /** {@code revision 2}, or empty for a release bound to none yet. */
  static String revision(JsonNode release) {
    return release.has("templateRevision")
        ? "revision " + release.path("templateRevision").asInt()
        : "";
  }

  @Command(name = "list", description = "List an app's releases.")
  static final class ListReleases extends ApiCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(path(app), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("VERSION", "DIGEST", "COMMIT", "TEMPLATE", "INTAKE", "CREATED");
      body.path("items")
          .forEach(
              release ->
                  table.row(
                      Display.version(JsonText.text(release, "version")),
                      shortDigest(JsonText.text(release, "digest")),
                      Display.version(JsonText.text(release, "commit")),
                      JsonText.text(release, "templateRevision"),
                      JsonText.text(release, "intake"),
                      s.when(release, "createdAt", "createdBy")));
      table.print(s.out(), "no releases of " + app);
      return ExitCode.OK;
    }

    /**
     * {@code sha256:9f86d081884c}: enough to tell releases apart in a table; get shows it whole.
     */
    private static String shortDigest(String digest) {
      return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
  }

  @Command(name = "get", description = "Show a release.")
  static final class GetRelease extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Override
    int run(Session s) {
      s.print(
          s.api().get(ApiPath.of("v1", "apps", app, "releases", version)), body -> print(body, s));
      return ExitCode.OK;
    }
  }

  @Command(
      name = "create",
      description = {
        "Register a release.",
        "Registering the same version with the same digest again is harmless; with another digest it is a conflict."
      })
  static final class CreateRelease extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Option(
        names = "--artifact",
        required = true,
        paramLabel = "URI",
        description = "s3://, https:// or oci:// URI")
    String artifact;

    @Option(
        names = "--digest",
        required = true,
        paramLabel = "DIGEST",
        description = "sha256:<64 hex digits>")
    String digest;

    @Option(
        names = "--commit",
        paramLabel = "SHA",
        description = "the source commit (7 to 40 hex digits)")
    String commit;

    @Option(
        names = "--template-revision",
        paramLabel = "N",
        description =
            "bind it to this revision of the app's template (default: the revision it is at now)")
    Integer templateRevision;

    @Override
    int run(Session s) {
      ObjectNode body =
          ApiClient.JSON
              .createObjectNode()
              .put("version", version)
              .put("artifactUri", artifact)
              .put("digest", digest);
      if (commit != null) {
        body.put("commit", commit);
      }
      if (templateRevision != null) {
        body.put("templateRevision", templateRevision);
      }
      Answer registered = s.api().post(path(app), body);
      s.print(
          registered,
          release -> {
            s.out()
                .println(
                    registered.status() == 201
                        ? "registered release " + app + " " + version
                        : "release "
                            + app
                            + " "
                            + version
                            + " was already registered with this digest");
            print(release, s);
          });
      return ExitCode.OK;
    }
  }
}
