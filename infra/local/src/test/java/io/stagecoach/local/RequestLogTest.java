package io.stagecoach.local;

import static org.junit.jupiter.api.Assertions.*;

import io.stagecoach.local.testing.ApiClient;
import io.stagecoach.local.testing.LogCapture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the request log on (serve without {@code --quiet}), each call to the REST API makes one
 * line: method, path without its query, status, milliseconds and the authorizer's principal; never
 * the token or the query string.
 */
class RequestLogTest {

  @TempDir Path work;

  @Test
  void apiCall_withRequestLogOn_logsMethodPathStatusTimeAndPrincipal_butNoTokenNorQuery()
      throws Exception {
    try (LocalCloud cloud =
            LocalCloud.start(
                LocalCloud.Options.defaults(work.resolve(".stagecoach"))
                    .withPort(0)
                    .withRequestLog(true));
        LogCapture log = new LogCapture()) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      assertEquals(200, api.get("/v1/apps?secretQueryMarker=1").status());
      assertEquals(401, api.as(null).get("/v1/apps").status());

      List<String> lines =
          log.text().lines().filter(l -> l.contains("\"message\":\"api request\"")).toList();
      assertEquals(2, lines.size(), log.text());
      String allowed = lines.get(0);
      assertTrue(allowed.contains("\"method\":\"GET\""), allowed);
      assertTrue(allowed.contains("\"path\":\"/v1/apps\""), allowed);
      assertTrue(allowed.contains("\"status\":\"200\""), allowed);
      assertTrue(allowed.matches(".*\"ms\":\"\\d+\".*"), allowed);
      assertTrue(allowed.matches(".*\"principal\":\"[^\"]+\".*"), allowed);
      String refused = lines.get(1);
      assertTrue(refused.contains("\"status\":\"401\""), refused);
      assertFalse(refused.contains("\"principal\""), refused);
      assertFalse(log.text().contains(cloud.adminToken()), log.text());
      assertFalse(log.text().contains("secretQueryMarker"), log.text());
    }
  }

  @Test
  void apiCall_withRequestLogOff_logsNothing() throws Exception {
    try (LocalCloud cloud =
            LocalCloud.start(LocalCloud.Options.defaults(work.resolve(".quiet")).withPort(0));
        LogCapture log = new LogCapture()) {
      ApiClient api = new ApiClient(cloud.endpoint(), cloud.adminToken());
      assertEquals(200, api.get("/v1/apps").status());
      assertFalse(log.text().contains("api request"), log.text());
    }
  }
}
