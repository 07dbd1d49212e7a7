package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagecoach.cli.client.ApiPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach templates}: the numbered revisions of an app's environment template. */
@Command(
    name = "templates",
    description = {
      "The revisions of an app's environment template: immutable, numbered, with their SHA-256.",
      "Every change of the template makes the next one; a release is made from the one it is bound to."
    },
    subcommands = {TemplatesCommand.ListTemplates.class, TemplatesCommand.GetTemplate.class})
final class TemplatesCommand extends CommandGroup {

  static ApiPath path(String app) {
    return ApiPath.of("v1", "apps", app, "templates");
  }

  static void print(JsonNode revision, Session s) {
    new Details()
        .add(
            "template",
            JsonText.text(revision, "app") + " revision " + JsonText.text(revision, "revision"))
        .add("digest", JsonText.text(revision, "digest"))
        .add(
            "source",
            JsonText.text(revision, "source")
                + (revision.has("sourceVersion")
                    ? " (version " + JsonText.text(revision, "sourceVersion") + ")"
                    : ""))
        .add("size", Display.count(revision.path("sizeBytes").asLong(), "byte", "bytes"))
        .add(
            "resources",
            revision.path("body").isObject()
                ? String.join(", ", JsonText.map(revision.path("body").path("Resources")).keySet())
                : "")
        .add("created", s.when(revision, "createdAt", "createdBy"))
        .print(s.out());
  }

  @Command(name = "list", description = "List an app's template revisions, newest first.")
  static final class ListTemplates extends ApiCommand {
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
      Table table = new Table("REVISION", "DIGEST", "SOURCE", "SIZE", "CREATED");
      body.path("items")
          .forEach(
              r ->
                  table.row(
                      JsonText.text(r, "revision"),
                      shortDigest(JsonText.text(r, "digest")),
                      JsonText.text(r, "source"),
                      JsonText.text(r, "sizeBytes"),
                      s.when(r, "createdAt", "createdBy")));
      table.print(s.out(), "app " + app + " has no template revisions");
      return ExitCode.OK;
    }

    /** {@code sha256:9f86d081884c}: enough to tell revisions apart; get shows it whole. */
    private static String shortDigest(String digest) {
      return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
  }

  @Command(
      name = "get",
      description = {
        "Show one template revision.",
        "--body prints the pinned template alone (JSON, indented), e.g. to diff two revisions."
      })
  static final class GetTemplate extends ApiCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "REVISION")
    String revision;

    @Option(names = "--body", description = "print the pinned template only")
    boolean body;

    @Override
    int run(Session s) {
      JsonNode answer = s.api().get(path(app).child(revision)).body();
      if (body) {
        JsonNode template = answer.path("body");
        if (template.isTextual()) {
          s.out().print(template.asText());
          s.out().println();
        } else {
          s.printJson(template);
        }
        return ExitCode.OK;
      }
      if (s.json()) {
        s.printJson(answer);
      } else {
        print(answer, s);
      }
      return ExitCode.OK;
    }
  }
}
