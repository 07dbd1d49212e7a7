package io.stagecoach.cli;

import io.stagecoach.cli.client.Follow;
import io.stagecoach.cli.settings.CliEnvironment;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code stagecoach}: the local cloud ({@code serve}) and a client for the REST API, one class per
 * command. A new command extends {@link ApiCommand} (or {@link CommandGroup} for a group of them)
 * and is listed below.
 */
@Command(
    name = "stagecoach",
    mixinStandardHelpOptions = true,
    version = "stagecoach 0.1.0",
    description = "Environment registry and promotion pipeline for AWS applications.",
    footerHeading = "%nConnection settings, first found wins:%n",
    footer = {
      "  endpoint  --endpoint, $STAGECOACH_ENDPOINT, \"endpoint\" in the config file,",
      "            else ./.stagecoach/endpoint (where a running 'stagecoach serve' keeps it),",
      "            else http://127.0.0.1:4566",
      "  token     --token, $STAGECOACH_TOKEN, \"token\" in the config file,",
      "            else ./.stagecoach/admin-token (where 'stagecoach serve' keeps it)",
      "  config    $STAGECOACH_CONFIG,",
      "            else $XDG_CONFIG_HOME/stagecoach/config.json,",
      "            else ~/.config/stagecoach/config.json",
      "            e.g. {\"endpoint\": \"https://...\", \"token\": \"...\"}"
    },
    exitCodeListHeading = ExitCode.HEADING,
    exitCodeList = {
      ExitCode.OK_LINE,
      ExitCode.FAILED_LINE,
      ExitCode.INVALID_LINE,
      ExitCode.REFUSED_LINE,
      ExitCode.NOT_FOUND_LINE
    })
public final class StagecoachCommand implements Runnable {

  /** A command of the CLI: its name (as its {@code @Command} says) and its class. */
  record Subcommand(String name, Class<?> type) {}

  /**
   * The commands, in the order the help lists them. Added to the command line by {@link
   * #commandLine(StagecoachCommand, String...)}, all of them or only the one asked for: picocli
   * reads each command class it is given (annotations, fields, nested commands) before parsing,
   * which was half of a short command's time for the twenty commands.
   */
  static final List<Subcommand> COMMANDS =
      List.of(
          new Subcommand("serve", ServeCommand.class),
          new Subcommand("apps", AppsCommand.class),
          new Subcommand("envs", EnvsCommand.class),
          new Subcommand("releases", ReleasesCommand.class),
          new Subcommand("templates", TemplatesCommand.class),
          new Subcommand("deploy", DeployCommand.class),
          new Subcommand("deployments", DeploymentsCommand.class),
          new Subcommand("history", HistoryCommand.class),
          new Subcommand("diff", DiffCommand.class),
          new Subcommand("drift", DriftCommand.class),
          new Subcommand("outputs", OutputsCommand.class),
          new Subcommand("compare", CompareCommand.class),
          new Subcommand("promote", PromoteCommand.class),
          new Subcommand("promotions", PromotionsCommand.class),
          new Subcommand("why", WhyCommand.class),
          new Subcommand("approvals", ApprovalsCommand.class),
          new Subcommand("approve", ApproveCommand.class),
          new Subcommand("reject", RejectCommand.class),
          new Subcommand("rollback", RollbackCommand.class),
          new Subcommand("freeze", FreezeCommand.class),
          new Subcommand("break-glass", BreakGlassCommand.class),
          new Subcommand("unfreeze", UnfreezeCommand.class),
          new Subcommand("tokens", TokensCommand.class),
          new Subcommand("audit", AuditCommand.class),
          new Subcommand("clock", ClockCommand.class),
          new Subcommand("whoami", WhoamiCommand.class),
          new Subcommand("prices", PricesCommand.class),
          new Subcommand("events", EventsCommand.class),
          new Subcommand("completion", CompletionCommand.class),
          new Subcommand("help", CommandLine.HelpCommand.class));

  /** Commands that need every other one: the help, and the completion script. */
  private static final java.util.Set<String> NEED_ALL = java.util.Set.of("help", "completion");

  private final CliEnvironment environment;
  private final Follow.Pacing pacing;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The command as {@code main} runs it: this machine's environment, real time. */
  public StagecoachCommand() {
    this(CliEnvironment.system(), Follow.Pacing.standard());
  }

  /**
   * For tests: another environment (variables, directories, user) and another clock for following.
   */
  public StagecoachCommand(CliEnvironment environment, Follow.Pacing pacing) {
    this.environment = environment;
    this.pacing = pacing;
  }

  public StagecoachCommand(CliEnvironment environment) {
    this(environment, Follow.Pacing.standard());
  }

  CliEnvironment environment() {
    return environment;
  }

  Follow.Pacing pacing() {
    return pacing;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a command is required (try 'stagecoach serve')");
  }

  /**
   * The command line as {@code main} runs it: what picocli cannot parse is one {@code stagecoach:
   * <detail>} line and exit 2, like every other error; the usage is shown only on {@code --help}.
   */
  public static CommandLine commandLine(StagecoachCommand command) {
    return commandLine(command, new String[0]);
  }

  /**
   * The command line for {@code args}: with only the command they name when they name one (its help
   * and errors are the same), else with every command (the root's help and usage, a misspelt
   * command's suggestions, the completion script).
   */
  public static CommandLine commandLine(StagecoachCommand command, String... args) {
    CommandLine line = new CommandLine(command);
    String first = args.length > 0 ? args[0] : "";
    List<Subcommand> named =
        NEED_ALL.contains(first)
            ? List.of()
            : COMMANDS.stream().filter(c -> c.name().equals(first)).toList();
    for (Subcommand c : named.isEmpty() ? COMMANDS : named) {
      line.addSubcommand(c.name(), c.type());
    }
    return line.setParameterExceptionHandler(StagecoachCommand::misuse)
        .setExecutionExceptionHandler(
            (e, commandLine, parsed) -> {
              // A bug of ours: say what it was in one line rather than a stack trace.
              commandLine.getErr().println("stagecoach: unexpected error: " + e);
              return ExitCode.FAILED;
            });
  }

  private static int misuse(CommandLine.ParameterException e, String[] args) {
    CommandLine at = e.getCommandLine();
    at.getErr()
        .println(
            "stagecoach: "
                + detail(e)
                + " (see '"
                + at.getCommandSpec().qualifiedName()
                + " --help')");
    at.getErr().flush();
    return ExitCode.INVALID;
  }

  /**
   * Picocli's message, said as the CLI's other errors are (lower case, what was not understood).
   */
  static String detail(CommandLine.ParameterException e) {
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()) {
      String first = unmatched.getUnmatched().get(0);
      boolean hasSubcommands = !e.getCommandLine().getSubcommands().isEmpty();
      String what =
          first.startsWith("-")
              ? "unknown option '" + first + "'"
              : hasSubcommands
                  ? "unknown command '" + first + "'"
                  : "unexpected argument '" + first + "'";
      List<String> suggestions = unmatched.getSuggestions();
      return suggestions.isEmpty()
          ? what
          : what
              + ", did you mean '"
              + String.join("' or '", suggestions.subList(0, Math.min(3, suggestions.size())))
              + "'?";
    }
    String message = e.getMessage() == null ? "invalid command line" : e.getMessage();
    return message.isEmpty()
        ? message
        : Character.toLowerCase(message.charAt(0)) + message.substring(1);
  }

  public static void main(String[] args) {
    int code = commandLine(new StagecoachCommand(), args).execute(args);
    // 'serve' returns once its shutdown hook has stopped the cloud: exiting from there would wait
    // for the hook.
    if (code != 0 || args.length == 0 || !args[0].equals("serve")) {
      System.exit(code);
    }
  }
}
