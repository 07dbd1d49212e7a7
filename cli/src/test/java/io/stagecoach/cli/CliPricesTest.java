package io.stagecoach.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.cli.settings.CliEnvironment;
import io.stagecoach.pricing.PriceTableJson;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stagecoach prices refresh} against a stand-in for the AWS CLI (the Price List API is not
 * reachable here): a script that answers {@code aws pricing get-products} as AWS does, one product
 * per service code and usage type, each price list item a JSON document in a string, with a free
 * first tier before the paid one.
 */
class CliPricesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Path table;
  private Path answers;
  private Path aws;
  private String original;

  @BeforeEach
  void aCopyOfTheTable_andAnAwsCliThatKnowsItsPrices() throws Exception {
    try (InputStream in = PriceTableJson.class.getResourceAsStream(PriceTableJson.RESOURCE)) {
      original = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    table = dir.resolve("prices.json");
    Files.writeString(table, original);
    // serviceCode/usagetype=price, as the table has them now.
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : JSON.readTree(original).path("prices").properties()) {
      JsonNode list = e.getValue().path("priceList");
      lines.add(
          list.path("serviceCode").asText()
              + "/"
              + list.path("filters").path("usagetype").asText()
              + "="
              + e.getValue().path("amount").asText());
    }
    answers = dir.resolve("answers.txt");
    Files.write(answers, lines);
    aws = dir.resolve("aws");
    Files.writeString(
        aws,
        """
        #!/bin/sh
        [ "$1 $2" = "pricing get-products" ] || { echo "unexpected $*" >&2; exit 2; }
        svc=""; ut=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --service-code) svc="$2"; shift ;;
            Type=TERM_MATCH,Field=usagetype,Value=*) ut="${1#Type=TERM_MATCH,Field=usagetype,Value=}" ;;
          esac
          shift
        done
        price=$(grep -F "$svc/$ut=" "%s" | head -1 | cut -d= -f2)
        if [ -z "$price" ]; then echo '{"PriceList": [], "FormatVersion": "aws_v1"}'; exit 0; fi
        printf '{"PriceList": ["{\\\\"product\\\\":{\\\\"attributes\\\\":{\\\\"usagetype\\\\":\\\\"%%s\\\\"}},\\\\"terms\\\\":{\\\\"OnDemand\\\\":{\\\\"T\\\\":{\\\\"priceDimensions\\\\":{\\\\"P\\\\":{\\\\"unit\\\\":\\\\"Requests\\\\",\\\\"beginRange\\\\":\\\\"1000000\\\\",\\\\"pricePerUnit\\\\":{\\\\"USD\\\\":\\\\"%%s\\\\"}},\\\\"F\\\\":{\\\\"unit\\\\":\\\\"Requests\\\\",\\\\"beginRange\\\\":\\\\"0\\\\",\\\\"pricePerUnit\\\\":{\\\\"USD\\\\":\\\\"0.0000000000\\\\"}}}}}}}"], "FormatVersion": "aws_v1"}\\n' "$ut" "$price"
        """
            .formatted(answers.toAbsolutePath()));
    Files.setPosixFilePermissions(aws, PosixFilePermissions.fromString("rwx------"));
  }

  private CliRun refresh() {
    return CliRun.run(
        new CliEnvironment(Map.of(), dir, dir.resolve("home"), "tester"),
        "prices",
        "refresh",
        "--table",
        table.toString(),
        "--aws",
        aws.toString());
  }

  @Test
  void refresh_readsEveryPriceAgain_writesTheNewOnesAndTheDate_andTouchesNothingElse()
      throws Exception {
    Files.writeString(
        answers,
        Files.readString(answers)
            .replace("AWSLambda/Request=0.0000002", "AWSLambda/Request=0.00000025"));

    CliRun run = refresh();

    assertEquals(0, run.code(), run.printed());
    assertTrue(
        run.out()
            .lines()
            .anyMatch(l -> l.matches("lambda\\.request\\s+0\\.0000002\\s+0\\.00000025")),
        run.out());
    assertTrue(
        run.out()
            .lines()
            .anyMatch(l -> l.matches("sqs\\.standard\\.request\\s+0\\.0000004\\s+unchanged")),
        run.out());
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String expected =
        original
            .replace("\"amount\": \"0.0000002\",", "\"amount\": \"0.00000025\",")
            .replaceFirst("\"date\": \"[0-9-]+\"", "\"date\": \"" + today + "\"");
    assertEquals(expected, Files.readString(table), "only the amount and the date lines change");
    assertEquals(
        new BigDecimal("0.00000025"),
        PriceTableJson.read(JSON.readTree(Files.readString(table)))
            .price("lambda.request")
            .orElseThrow()
            .amount());
  }

  @Test
  void aFilterThatMatchesNoProduct_failsInOneLine_andWritesNothing() throws Exception {
    Files.writeString(answers, Files.readString(answers).replace("AmazonSNS/", "Elsewhere/"));

    CliRun run = refresh();

    assertEquals(ExitCode.FAILED, run.code(), run.printed());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(
        run.err()
            .startsWith(
                "stagecoach: prices not refreshed: sns.standard.publish: the filters match 0 products of AmazonSNS, not one"),
        run.err());
    assertEquals(original, Files.readString(table));
  }

  @Test
  void anAwsCliThatCannotRun_failsInOneLine() throws Exception {
    CliRun run =
        CliRun.run(
            new CliEnvironment(Map.of(), dir, dir.resolve("home"), "tester"),
            "prices",
            "refresh",
            "--table",
            table.toString(),
            "--aws",
            dir.resolve("no-such-aws").toString());

    assertEquals(ExitCode.FAILED, run.code(), run.printed());
    assertTrue(run.err().startsWith("stagecoach: prices not refreshed: "), run.err());
    assertTrue(run.err().contains("cannot run"), run.err());
    assertEquals(original, Files.readString(table));
  }

  @Test
  void thePaidPrice_isTheLowestTierThatIsNotFree() throws Exception {
    JsonNode product =
        JSON.readTree(
            """
            {"terms": {"OnDemand": {"T": {"priceDimensions": {
              "a": {"beginRange": "6000000000", "pricePerUnit": {"USD": "0.0000150000"}},
              "b": {"beginRange": "0", "pricePerUnit": {"USD": "0.0000000000"}},
              "c": {"beginRange": "25", "pricePerUnit": {"USD": "0.2500000000"}}}}}}}""");

    assertEquals(
        java.util.Optional.of(new BigDecimal("0.25")), PriceListRefresh.firstPaidTier(product));
  }
}
