package io.stagecoach.domain.override;

/**
 * A gate a deployment went past, recorded on it for its history: which gate ({@code freeze}, {@code
 * window}, {@code approval}), on what grounds ({@code basis}: {@code policy} for what the app's
 * policy lets through, such as a rollback during a freeze; {@code break-glass} for an admin's
 * confirmed override; {@code repair} for a redeploy that repairs drift) and the sentence that says
 * it.
 */
public record GateOverride(String gate, String basis, String detail) {

  public static final String FREEZE = "freeze";
  public static final String WINDOW = "window";
  public static final String BASIS_POLICY = "policy";

  /**
   * The drift of the environment: a redeploy of the release it runs repairs it (basis {@value
   * #BASIS_REPAIR}), and may go where a new release needs a promotion, since it skips no stage.
   */
  public static final String DRIFT = "drift";

  public static final String BASIS_REPAIR = "repair";

  public GateOverride {
    java.util.Objects.requireNonNull(gate, "gate");
    java.util.Objects.requireNonNull(basis, "basis");
    java.util.Objects.requireNonNull(detail, "detail");
  }
}
