package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.cli.client.Answer;
import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagecoach tokens}: API tokens for people and machines (admins only). */
@Command(
    name = "tokens",
    description = "API tokens for people and machines, with roles viewer < deployer < admin.",
    subcommands = {
      TokensCommand.ListTokens.class,
      TokensCommand.IssueToken.class,
      TokensCommand.RevokeToken.class
    })
final class TokensCommand extends CommandGroup {

  static void print(JsonNode token, Session s) {
    new Details()
        .add("id", JsonText.text(token, "id"))
        .add("principal", JsonText.text(token, "principal"))
        .add("roles", String.join(", ", JsonText.strings(token.path("roles"))))
        .add("groups", String.join(", ", JsonText.strings(token.path("groups"))))
        .add("description", JsonText.text(token, "description"))
        .add("expires", s.time(token, "expiresAt"))
        .add("created", s.when(token, "createdAt", "createdBy"))
        .print(s.out());
  }

  @Command(name = "list", description = "List the tokens (never their secrets).")
  static final class ListTokens extends ApiCommand {
    @Mixin PageOptions page;

    @Override
    int run(Session s) {
      JsonNode body = s.list(ApiPath.of("v1", "tokens"), page);
      if (s.json()) {
        s.printJson(body);
        return ExitCode.OK;
      }
      Table table = new Table("ID", "PRINCIPAL", "ROLES", "GROUPS", "EXPIRES", "DESCRIPTION");
      body.path("items")
          .forEach(
              token ->
                  table.row(
                      JsonText.text(token, "id"),
                      JsonText.text(token, "principal"),
                      String.join(",", JsonText.strings(token.path("roles"))),
                      String.join(",", JsonText.strings(token.path("groups"))),
                      s.time(token, "expiresAt"),
                      JsonText.text(token, "description")));
      table.print(s.out(), "no tokens");
      return ExitCode.OK;
    }
  }

  @Command(
      name = "issue",
      description = {"Issue a token for a principal.", "Its secret is shown once: keep it then."})
  static final class IssueToken extends ApiCommand {
    @Parameters(
        paramLabel = "PRINCIPAL",
        description = "who or what will use it, e.g. ci-bot or alice@example.com")
    String principal;

    @Option(
        names = "--role",
        required = true,
        split = ",",
        paramLabel = "ROLE",
        description = "viewer, deployer or admin (repeatable or comma-separated)")
    List<String> roles;

    @Option(
        names = "--group",
        split = ",",
        paramLabel = "GROUP",
        description =
            "a group approval policies count, e.g. staff or client (repeatable or comma-separated)")
    List<String> groups;

    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--expires-in-days", paramLabel = "DAYS", description = "1 to 365")
    Integer expiresInDays;

    @Option(
        names = {"-q", "--quiet"},
        description =
            "print only the token, e.g. TOKEN=$(stagecoach tokens issue ci --role viewer -q)")
    boolean quiet;

    @Override
    int run(Session s) {
      if (quiet && s.json()) {
        throw usage("--quiet and --json do not go together: --quiet prints only the token");
      }
      ObjectNode body = ApiClient.JSON.createObjectNode().put("principal", principal);
      ArrayNode roleArray = body.putArray("roles");
      roles.forEach(roleArray::add);
      if (groups != null) {
        ArrayNode groupArray = body.putArray("groups");
        groups.forEach(groupArray::add);
      }
      if (description != null) {
        body.put("description", description);
      }
      if (expiresInDays != null) {
        body.put("expiresInDays", expiresInDays);
      }
      Answer issued = s.api().post(ApiPath.of("v1", "tokens"), body);
      if (quiet) {
        s.out().println(JsonText.text(issued.body(), "token"));
        return ExitCode.OK;
      }
      s.print(
          issued,
          token -> {
            print(token, s);
            s.out().println();
            s.out().println(JsonText.text(token, "token"));
            s.err().println("(the token above is shown once: keep it now)");
          });
      return ExitCode.OK;
    }
  }

  @Command(
      name = "revoke",
      description = {
        "Revoke a token.",
        "The API's authorizer caches answers per token, so it may keep working for up to 60 s."
      })
  static final class RevokeToken extends ApiCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(Session s) {
      Answer revoked = s.api().delete(ApiPath.of("v1", "tokens", id), Map.of());
      s.print(
          revoked,
          body ->
              s.out()
                  .println(
                      "revoked token " + id + " (cached authorizations of it expire within 60 s)"));
      return ExitCode.OK;
    }
  }
}
