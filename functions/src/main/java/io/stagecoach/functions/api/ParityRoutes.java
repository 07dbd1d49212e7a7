package io.stagecoach.functions.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stagecoach.domain.parity.ParityReport;
import io.stagecoach.domain.parity.ParityRow;
import io.stagecoach.domain.parity.ParityService;
import io.stagecoach.functions.support.Json;

/**
 * {@code GET /v1/apps/{app}/compare?left=&right=}: two environments of the app side by side, with a
 * verdict; changes nothing.
 */
record ParityRoutes(ParityService parity) {

  ApiResponse compare(ApiRequest req) {
    return RegistryRoutes.answer(
        req,
        parity.compare(
            req.param("app"),
            req.queryParam("left").orElse(""),
            req.queryParam("right").orElse("")),
        ParityRoutes::report);
  }

  static ObjectNode report(ParityReport report) {
    ObjectNode o = Json.object();
    o.put("app", report.app());
    o.put("left", report.left());
    o.put("right", report.right());
    o.put("parity", report.parity().wireName());
    o.put("verdict", report.verdict());
    ArrayNode rows = o.putArray("rows");
    for (ParityRow row : report.rows()) {
      ObjectNode r = rows.addObject();
      r.put("section", row.section().wireName());
      r.put("key", row.key());
      row.left().ifPresent(v -> r.put("left", v));
      row.right().ifPresent(v -> r.put("right", v));
      r.put("same", row.same());
      if (row.expected()) {
        r.put("expected", true);
      }
    }
    return o;
  }
}
