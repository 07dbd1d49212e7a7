package io.stagecoach.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads each price of the price table again from the AWS Price List API, through the AWS CLI's
 * {@code aws pricing get-products}
 * (https://docs.aws.amazon.com/cli/latest/reference/pricing/get-products.html): an entry's {@code
 * priceList} names the service code and the attribute filters that select its one product, and the
 * price is the product's on-demand price per unit at its first tier that is not free (the table
 * holds list prices without free tiers). An entry whose filters match no product, or several, is
 * reported and nothing is written.
 */
final class PriceListRefresh {

  /** Runs the AWS CLI with these arguments and answers what it printed; fails when it failed. */
  @FunctionalInterface
  interface AwsCli {
    String run(List<String> arguments) throws Failed;
  }

  /** What the refresh could not do, said in one line. */
  static final class Failed extends Exception {
    Failed(String message) {
      super(message);
    }
  }

  /** One entry read again: its key and its amount before and after. */
  record Read(String key, BigDecimal before, BigDecimal after) {
    boolean changed() {
      return before.compareTo(after) != 0;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AwsCli aws;

  PriceListRefresh(AwsCli aws) {
    this.aws = aws;
  }

  /**
   * Every price of {@code table} read again; {@code table} is updated in place (amounts and {@code
   * date}) only when all were read.
   */
  List<Read> refresh(ObjectNode table, String today) throws Failed {
    List<Read> reads = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : table.path("prices").properties()) {
      try {
        BigDecimal before = new BigDecimal(e.getValue().path("amount").asText());
        reads.add(new Read(e.getKey(), before, price(e.getKey(), e.getValue().path("priceList"))));
      } catch (Failed f) {
        problems.add(f.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new Failed(String.join("; ", problems));
    }
    for (Read r : reads) {
      if (r.changed()) {
        ((ObjectNode) table.path("prices").path(r.key())).put("amount", r.after().toPlainString());
      }
    }
    table.put("date", today);
    return reads;
  }

  private BigDecimal price(String key, JsonNode priceList) throws Failed {
    String service = priceList.path("serviceCode").asText("");
    if (service.isEmpty() || !priceList.path("filters").isObject()) {
      throw new Failed(key + ": no priceList serviceCode and filters");
    }
    List<String> args = new ArrayList<>();
    // The Price List API is served in us-east-1 whatever region the prices are for.
    args.addAll(
        List.of("pricing", "get-products", "--region", "us-east-1", "--service-code", service));
    args.add("--filters");
    priceList
        .path("filters")
        .properties()
        .forEach(
            f ->
                args.add(
                    "Type=TERM_MATCH,Field=" + f.getKey() + ",Value=" + f.getValue().asText()));
    args.addAll(List.of("--output", "json"));
    JsonNode answer;
    try {
      answer = JSON.readTree(aws.run(args));
    } catch (JsonProcessingException e) {
      throw new Failed(key + ": the AWS CLI answered something that is not JSON");
    }
    JsonNode products = answer.path("PriceList");
    if (products.size() != 1) {
      throw new Failed(
          key + ": the filters match " + products.size() + " products of " + service + ", not one");
    }
    JsonNode product;
    try {
      // Each product is a JSON document in a string.
      product = JSON.readTree(products.get(0).asText());
    } catch (JsonProcessingException e) {
      throw new Failed(key + ": a product of the Price List is not JSON");
    }
    return firstPaidTier(product)
        .orElseThrow(() -> new Failed(key + ": the product has no on-demand price in USD"));
  }

  /** The lowest tier's price per unit in USD among the tiers that are not free. */
  static Optional<BigDecimal> firstPaidTier(JsonNode product) {
    BigDecimal found = null;
    BigDecimal foundFrom = null;
    for (JsonNode term : product.path("terms").path("OnDemand")) {
      for (JsonNode dimension : term.path("priceDimensions")) {
        String usd = dimension.path("pricePerUnit").path("USD").asText("");
        if (usd.isEmpty()) {
          continue;
        }
        BigDecimal price = new BigDecimal(usd);
        BigDecimal from = new BigDecimal(dimension.path("beginRange").asText("0"));
        if (price.signum() > 0 && (foundFrom == null || from.compareTo(foundFrom) < 0)) {
          found = price;
          foundFrom = from;
        }
      }
    }
    return Optional.ofNullable(found).map(BigDecimal::stripTrailingZeros);
  }
}
