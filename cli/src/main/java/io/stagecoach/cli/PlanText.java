package io.stagecoach.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plan as the text commands print it ({@code diff}, {@code approvals get}, {@code deployments
 * get}): what happens to each resource and why, the counts, a table of the properties that change
 * (before, after, whether each recreates its resource), the parameters that change, the blast
 * radius with its reasons, and the cost before and after.
 */
final class PlanText {

  /** Longer values are cut in the tables; {@code --json} shows them whole. */
  static final int MAX_CELL = 40;

  private PlanText() {}

  /** {@code 2 to add, 1 to change, 1 to replace, 0 to remove}, with unsupported resources. */
  static String summary(JsonNode summary) {
    String text =
        summary.path("adds").asInt()
            + " to add, "
            + summary.path("modifies").asInt()
            + " to change, "
            + summary.path("replacements").asInt()
            + " to replace, "
            + summary.path("removes").asInt()
            + " to remove";
    if (summary.path("unsupported").asInt() > 0) {
      text += ", " + summary.path("unsupported").asInt() + " not supported here";
    }
    return text;
  }

  /** {@code -/+}, {@code ~}, {@code +}, {@code -}. */
  static String sign(String action) {
    return switch (action) {
      case "add" -> "+";
      case "remove" -> "-";
      case "replace" -> "-/+";
      default -> "~";
    };
  }

  /** {@code high: Ledger (AWS::DynamoDB::Table) is replaced: data loss possible}. */
  static String blastRadius(JsonNode plan) {
    JsonNode b = plan.path("blastRadius");
    if (b.isMissingNode()) {
      return "";
    }
    return JsonText.text(b, "level") + ": " + JsonText.strings(b.path("reasons")).getFirst();
  }

  /** {@code USD 0.44 -> 0.56 a month (+0.12), 1 not estimated}. */
  static String cost(JsonNode plan) {
    JsonNode c = plan.path("cost");
    if (c.isMissingNode()) {
      return "";
    }
    int unpriced = c.path("notEstimated").size();
    return JsonText.text(c, "currency")
        + " "
        + money(c.path("monthlyBefore"))
        + " -> "
        + money(c.path("monthlyAfter"))
        + " a month ("
        + signed(c.path("delta"))
        + ")"
        + (unpriced == 0 ? "" : ", " + unpriced + " not estimated");
  }

  static void print(JsonNode plan, PrintWriter out) {
    Table changes = new Table("", "RESOURCE", "TYPE", "NOTE");
    for (JsonNode c : plan.path("changes")) {
      List<String> notes = new ArrayList<>();
      String reason = JsonText.text(c, "replacementReason");
      if (JsonText.text(c, "action").equals("replace")) {
        notes.add(reason.isEmpty() ? "replaced" : "replaced: " + reason);
      }
      for (JsonNode t : plan.path("blastRadius").path("touched")) {
        if (JsonText.text(t, "logicalId").equals(JsonText.text(c, "logicalId"))
            && t.path("dataLossPossible").asBoolean()) {
          notes.add("data loss possible");
        }
      }
      if (!c.path("supported").asBoolean(true)) {
        notes.add("not supported by this provisioner");
      }
      changes.row(
          sign(JsonText.text(c, "action")),
          JsonText.text(c, "logicalId"),
          JsonText.text(c, "type"),
          String.join("; ", notes));
    }
    changes.print(out, "no changes");
    out.println(summary(plan.path("summary")));

    Table properties = new Table("RESOURCE", "PROPERTY", "BEFORE", "AFTER", "RECREATES");
    for (JsonNode c : plan.path("changes")) {
      for (JsonNode p : c.path("properties")) {
        properties.row(
            JsonText.text(c, "logicalId"),
            JsonText.text(p, "path"),
            cell(p, "before"),
            cell(p, "after"),
            JsonText.text(p, "requiresRecreation"));
      }
    }
    if (properties.hasRows()) {
      out.println();
      properties.print(out, "");
    }
    Table parameters = new Table("PARAMETER", "BEFORE", "AFTER", "SOURCE");
    for (JsonNode p : plan.path("parameters")) {
      parameters.row(
          JsonText.text(p, "name"),
          cell(p, "before"),
          cell(p, "after"),
          JsonText.text(p, "source"));
    }
    if (parameters.hasRows()) {
      out.println();
      parameters.print(out, "");
    }
    if (plan.path("valuesOmitted").asBoolean()) {
      out.println("(the plan was too large to keep whole: values are left out)");
    }

    JsonNode b = plan.path("blastRadius");
    if (!b.isMissingNode()) {
      out.println();
      out.println("blast radius: " + JsonText.text(b, "level").toUpperCase(Locale.ROOT));
      JsonText.strings(b.path("reasons")).forEach(r -> out.println("  " + r));
    }
    JsonNode c = plan.path("cost");
    if (!c.isMissingNode()) {
      out.println("cost: " + cost(plan));
      for (JsonNode n : c.path("notEstimated")) {
        out.println(
            "  not estimated: "
                + JsonText.text(n, "logicalId")
                + (JsonText.text(n, "type").isEmpty() ? "" : " (" + JsonText.text(n, "type") + ")")
                + ": "
                + JsonText.text(n, "reason"));
      }
      JsonNode prices = c.path("prices");
      out.println(
          "  prices: "
              + JsonText.text(prices, "source")
              + ", "
              + JsonText.text(prices, "date")
              + ", "
              + JsonText.text(prices, "region"));
      List<String> usage = new ArrayList<>();
      c.path("assumptions")
          .properties()
          .forEach(e -> usage.add(e.getKey() + "=" + e.getValue().asText()));
      out.println("  usage: " + String.join(", ", usage));
      JsonText.strings(c.path("caveats")).forEach(x -> out.println("  " + x));
    }
  }

  /** A value in a table cell: on one line, cut past {@value #MAX_CELL} characters; absent: -. */
  private static String cell(JsonNode node, String field) {
    if (!node.has(field)) {
      return "-";
    }
    String value = JsonText.text(node, field).replace('\n', ' ').replace('\r', ' ');
    return value.length() <= MAX_CELL ? value : value.substring(0, MAX_CELL - 1) + "…";
  }

  private static String money(JsonNode amount) {
    return amount.decimalValue().setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
  }

  private static String signed(JsonNode delta) {
    String text = money(delta);
    return delta.decimalValue().signum() > 0 ? "+" + text : text;
  }
}
