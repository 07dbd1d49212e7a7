package io.stagecoach.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Lambda task of the workflow benchmark: scores a release's risk from its size and version, a
 * small real handler (no I/O), so that what the workflow adds around it stands out.
 */
public final class ReleaseRiskHandler
    implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> release, Context context) {
    int changedFiles = ((Number) release.getOrDefault("changedFiles", 0)).intValue();
    String version = String.valueOf(release.get("version"));
    boolean preRelease = version.contains("-");
    int risk =
        Math.min(99, changedFiles * 3 + (preRelease ? 20 : 0) + (version.endsWith(".0") ? 10 : 0));
    Map<String, Object> score = new LinkedHashMap<>();
    score.put("app", release.get("app"));
    score.put("version", version);
    score.put("risk", risk);
    return score;
  }
}
