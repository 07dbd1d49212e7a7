package io.stagecoach.cli;

import io.stagecoach.cli.client.ApiClient;
import io.stagecoach.cli.client.ApiPath;
import io.stagecoach.cli.client.ApiProblem;
import io.stagecoach.cli.client.ApiUnreachable;
import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.cli.settings.ConnectionSettings;
import io.stagecoach.cli.settings.InvalidSettings;
import io.stagecoach.cli.settings.PersonalEnvironment;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A command that calls the API. It resolves the connection settings, runs {@link #run(Session)} and
 * turns what went wrong into one line on stderr and an {@link ExitCode}: a subclass only makes its
 * request and prints.
 */
@CommandLine.Command(
    exitCodeListHeading = ExitCode.HEADING,
    exitCodeList = {
      ExitCode.OK_LINE,
      ExitCode.FAILED_LINE,
      ExitCode.INVALID_LINE,
      ExitCode.REFUSED_LINE,
      ExitCode.NOT_FOUND_LINE
    })
abstract class ApiCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Mixin ConnectionOptions connection;

  @Option(names = "--json", description = "print the API's JSON answer instead of text")
  boolean json;

  /**
   * Makes the request(s) and prints; answers the exit code (what the API refused is thrown, not
   * returned).
   */
  abstract int run(Session session);

  /** The machine the CLI runs on: its working directory and variables. */
  CliEnvironment environment() {
    return ((StagecoachCommand) spec.root().userObject()).environment();
  }

  /**
   * The caller's personal environment: as {@code .stagecoach/userenv} keeps it, else as the API
   * names it after the token's principal ({@code GET /v1/me}), the same on every surface.
   */
  String personalEnvironment(Session s) {
    return PersonalEnvironment.kept(environment().workDir())
        .orElseGet(
            () -> {
              String named =
                  JsonText.text(s.api().get(ApiPath.of("v1", "me")).body(), "personalEnvironment");
              if (named.isEmpty()) {
                throw new ApiUnreachable(
                    s.api().endpoint()
                        + " does not name your personal environment (GET /v1/me); give --to",
                    null);
              }
              return named;
            });
  }

  /**
   * A usage error (exit 2) for what picocli cannot check alone, such as options that go together.
   */
  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  @Override
  public final Integer call() {
    StagecoachCommand root = (StagecoachCommand) spec.root().userObject();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ConnectionSettings settings = null;
    try {
      settings =
          ConnectionSettings.resolve(connection.endpoint(), connection.token(), root.environment());
      try (ApiClient api = new ApiClient(settings.endpoint(), settings.token())) {
        Display display = new Display(root.pacing().clock(), root.environment().zone());
        return run(new Session(api, settings, out, err, json, root.pacing(), display));
      }
    } catch (InvalidSettings e) {
      err.println("stagecoach: " + e.getMessage());
      return ExitCode.INVALID;
    } catch (ApiProblem problem) {
      report(err, problem, settings);
      return ExitCode.of(problem);
    } catch (ApiUnreachable e) {
      err.println("stagecoach: " + e.getMessage() + " (" + settings.endpointOrigin() + ")");
      return ExitCode.FAILED;
    } catch (Follow.TimedOut e) {
      err.println("stagecoach: " + e.getMessage());
      return ExitCode.FAILED;
    } catch (CommandLine.ParameterException e) {
      throw e;
    } catch (RuntimeException e) {
      // A bug of ours: say what it was in one line rather than a stack trace.
      err.println("stagecoach: unexpected error: " + e);
      return ExitCode.FAILED;
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void report(PrintWriter err, ApiProblem problem, ConnectionSettings settings) {
    String line = "stagecoach: " + problem.detail();
    if (problem.code().orElse("").equals("unauthorized") && settings != null) {
      line +=
          settings.token().isEmpty()
              ? " (no token: pass --token, set STAGECOACH_TOKEN, or run where 'stagecoach serve'"
                  + " keeps .stagecoach/admin-token)"
              : " (" + settings.tokenOrigin() + ")";
    }
    err.println(line);
    for (ApiProblem.FieldError e : problem.errors()) {
      String fieldLine = e.field() + ": " + e.message();
      if (!fieldLine.equals(problem.detail())) {
        err.println("  " + fieldLine);
      }
    }
  }
}
