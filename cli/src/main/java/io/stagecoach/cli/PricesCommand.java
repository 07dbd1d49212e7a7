package io.stagecoach.cli;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.pricing.PriceTableJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagecoach prices}: the price table plans estimate costs with. */
@Command(
    name = "prices",
    description = "The price table plans estimate monthly costs with.",
    subcommands = {PricesCommand.Refresh.class})
final class PricesCommand extends CommandGroup {

  /** Where the table is kept in the repository, from its root. */
  static final String TABLE = "shared/src/main/resources/pricing/aws-us-east-1.json";

  @Command(
      name = "refresh",
      description = {
        "Read every price of the price table again from the AWS Price List API"
            + " ('aws pricing get-products', which needs the AWS CLI and credentials allowed"
            + " pricing:GetProducts), and write the new amounts and today's date.",
        "Nothing is written unless every price was read."
      },
      exitCodeListHeading = ExitCode.HEADING,
      exitCodeList = {ExitCode.OK_LINE, ExitCode.FAILED_LINE, ExitCode.INVALID_LINE})
  static final class Refresh implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Option(
        names = "--table",
        paramLabel = "FILE",
        defaultValue = TABLE,
        description = "the price table (default: ${DEFAULT-VALUE}, from the repository's root)")
    Path table;

    @Option(
        names = "--aws",
        paramLabel = "COMMAND",
        defaultValue = "aws",
        description = "the AWS CLI to run (default: ${DEFAULT-VALUE})")
    String aws;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ObjectMapper json = new ObjectMapper();
      ObjectNode document;
      try {
        JsonNode read = json.readTree(Files.readString(table));
        if (!(read instanceof ObjectNode o)) {
          err.println("stagecoach: " + table + " is not a price table");
          return ExitCode.INVALID;
        }
        document = o;
      } catch (IOException e) {
        err.println("stagecoach: cannot read the price table " + table + ": " + e.getMessage());
        return ExitCode.INVALID;
      }
      List<PriceListRefresh.Read> reads;
      try {
        reads =
            new PriceListRefresh(this::runAws)
                .refresh(document, LocalDate.now(ZoneOffset.UTC).toString());
        // What is written must still be a table the estimator reads.
        PriceTableJson.read(document);
        Files.writeString(table, write(document), StandardCharsets.UTF_8);
      } catch (PriceListRefresh.Failed e) {
        err.println("stagecoach: prices not refreshed: " + e.getMessage());
        return ExitCode.FAILED;
      } catch (IOException | IllegalArgumentException e) {
        err.println("stagecoach: cannot write the price table " + table + ": " + e.getMessage());
        return ExitCode.FAILED;
      }
      Table changes = new Table("PRICE", "BEFORE", "AFTER");
      reads.forEach(
          r ->
              changes.row(
                  r.key(),
                  r.before().toPlainString(),
                  r.changed() ? r.after().toPlainString() : "unchanged"));
      changes.print(out, "the table has no prices");
      out.println("written " + table + " (date " + document.path("date").asText() + ")");
      out.flush();
      return ExitCode.OK;
    }

    /**
     * The table as it is kept: two-space indents, one array item per line, {@code "key": value}, so
     * that a refresh changes only the lines of the amounts and the date.
     */
    static String write(JsonNode document) throws IOException {
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      printer.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
      printer.indentObjectsWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));
      return new ObjectMapper().writer(printer).writeValueAsString(document) + "\n";
    }

    private String runAws(List<String> arguments) throws PriceListRefresh.Failed {
      List<String> command = new ArrayList<>();
      command.add(aws);
      command.addAll(arguments);
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        // Read both streams before waiting, so that a full pipe never blocks the CLI.
        var stdout = process.getInputStream().readAllBytes();
        var stderr = process.getErrorStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
          process.destroy();
          throw new PriceListRefresh.Failed("'" + aws + "' did not answer within 2 minutes");
        }
        if (process.exitValue() != 0) {
          String why = new String(stderr, StandardCharsets.UTF_8).strip();
          throw new PriceListRefresh.Failed(
              "'" + aws + " pricing get-products' failed: " + why.lines().findFirst().orElse(""));
        }
        return new String(stdout, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new PriceListRefresh.Failed("cannot run '" + aws + "': " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PriceListRefresh.Failed("interrupted");
      }
    }
  }
}
