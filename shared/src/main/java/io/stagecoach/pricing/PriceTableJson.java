package io.stagecoach.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecoach.domain.cost.PriceTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The price table kept in the repository ({@value #RESOURCE}) read into the core's {@link
 * PriceTable}. Amounts are JSON strings, read exactly as decimals.
 */
public final class PriceTableJson {

  public static final String RESOURCE = "/pricing/aws-us-east-1.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private static volatile PriceTable bundled;

  private PriceTableJson() {}

  /** The table shipped with Stagecoach, read once. */
  public static PriceTable bundled() {
    PriceTable table = bundled;
    if (table == null) {
      try (InputStream in = PriceTableJson.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the price table " + RESOURCE + " is not packaged");
        }
        table = read(JSON.readTree(in));
      } catch (IOException e) {
        throw new UncheckedIOException("the price table " + RESOURCE + " cannot be read", e);
      }
      bundled = table;
    }
    return table;
  }

  /**
   * A price table from its JSON document.
   *
   * @throws IllegalArgumentException when a field is missing or an amount is not a decimal
   */
  public static PriceTable read(JsonNode document) {
    Map<String, PriceTable.Price> prices = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : document.path("prices").properties()) {
      JsonNode p = e.getValue();
      BigDecimal amount;
      try {
        amount = new BigDecimal(required(p, "amount", e.getKey()));
      } catch (NumberFormatException bad) {
        throw new IllegalArgumentException("price " + e.getKey() + ": amount is not a decimal");
      }
      prices.put(
          e.getKey(),
          new PriceTable.Price(
              amount,
              required(p, "unit", e.getKey()),
              p.path("description").asText(""),
              required(p, "sourceUrl", e.getKey())));
    }
    Set<String> free = new HashSet<>();
    document.path("freeTypes").forEach(t -> free.add(t.asText()));
    return new PriceTable(
        required(document, "source", "table"),
        required(document, "date", "table"),
        required(document, "region", "table"),
        required(document, "currency", "table"),
        prices,
        free);
  }

  private static String required(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.textValue().isBlank()) {
      throw new IllegalArgumentException(where + ": " + field + " is missing");
    }
    return value.textValue();
  }
}
