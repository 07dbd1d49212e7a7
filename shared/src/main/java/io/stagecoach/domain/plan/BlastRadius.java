package io.stagecoach.domain.plan;

import io.stagecoach.domain.registry.App;
import io.stagecoach.domain.registry.Environment;
import io.stagecoach.domain.registry.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How far a plan's effects reach, and how careful its reviewer should be. It lists the resources
 * the plan removes or replaces ({@link Touched}), flagging those of a {@linkplain
 * #DATA_BEARING_TYPES data-bearing type} as "data loss possible"; the plan's counts; the
 * environment's tier and protection; and the stages this release reaches after this one. Its {@link
 * Level} follows one rule, {@link #of}, and {@code reasons} says it in words.
 */
public record BlastRadius(
    Level level,
    List<String> reasons,
    List<Touched> touched,
    PlanSummary counts,
    Tier tier,
    boolean isProtected,
    List<String> laterStages) {

  /**
   * Resource types that hold data: removing or replacing one loses what it holds unless it was
   * copied elsewhere first. The one list of them.
   */
  public static final Set<String> DATA_BEARING_TYPES =
      Set.of(
          "AWS::DynamoDB::Table",
          "AWS::S3::Bucket",
          "AWS::RDS::DBInstance",
          "AWS::RDS::DBCluster",
          "AWS::EFS::FileSystem",
          "AWS::SQS::Queue",
          "AWS::Kinesis::Stream");

  public enum Level {
    LOW,
    MEDIUM,
    HIGH;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static java.util.Optional<Level> fromWire(String value) {
      for (Level l : values()) {
        if (l.wireName().equals(value)) {
          return java.util.Optional.of(l);
        }
      }
      return java.util.Optional.empty();
    }
  }

  /** A resource the plan removes or replaces. */
  public record Touched(
      String logicalId, String type, ResourceChange.Action action, boolean dataLossPossible) {}

  public BlastRadius {
    reasons = List.copyOf(reasons);
    touched = List.copyOf(touched);
    laterStages = List.copyOf(laterStages);
  }

  /**
   * The blast radius of {@code plan} in {@code environment}, for a release that goes on to {@code
   * laterStages}. The rule:
   *
   * <ul>
   *   <li><b>high</b> when a data-bearing resource is removed or replaced (data loss possible), or
   *       when a prod-tier or protected environment has any resource removed or replaced;
   *   <li><b>medium</b> when any other resource is removed or replaced, or when a prod-tier or
   *       protected environment has any resource added or modified;
   *   <li><b>low</b> otherwise: only additions and in-place modifications (or nothing) in an
   *       environment that is neither prod nor protected.
   * </ul>
   *
   * Later stages do not raise the level (each stage's own plan is reviewed when it is reached);
   * they are listed so the reviewer sees where the release goes next.
   */
  public static BlastRadius of(Plan plan, Environment environment, List<String> laterStages) {
    PlanSummary counts = plan.summary();
    List<Touched> touched = new ArrayList<>();
    for (ResourceChange c : plan.changes()) {
      if (c.deletesCurrentResource()) {
        touched.add(
            new Touched(
                c.logicalId(), c.type(), c.action(), DATA_BEARING_TYPES.contains(c.type())));
      }
    }
    boolean sensitive = environment.tier() == Tier.PROD || environment.isProtected();
    String where = describe(environment);
    List<String> reasons = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Touched t : touched) {
      String verb = t.action() == ResourceChange.Action.REMOVE ? "removed" : "replaced";
      if (t.dataLossPossible()) {
        reasons.add(t.logicalId() + " (" + t.type() + ") is " + verb + ": data loss possible");
      } else {
        others.add(t.logicalId() + " " + verb);
      }
    }
    boolean dataLoss = touched.stream().anyMatch(Touched::dataLossPossible);
    Level level;
    if (dataLoss || (sensitive && !touched.isEmpty())) {
      level = Level.HIGH;
    } else if (!touched.isEmpty() || (sensitive && counts.total() > 0)) {
      level = Level.MEDIUM;
    } else {
      level = Level.LOW;
    }
    if (!others.isEmpty()) {
      reasons.add(
          others.size()
              + (others.size() == 1 ? " resource" : " resources")
              + " without data recreated or deleted: "
              + String.join(", ", others));
    }
    if (sensitive && counts.total() > 0) {
      reasons.add(
          "the environment is "
              + where
              + (touched.isEmpty() ? ": every change there counts" : ": it loses resources"));
    }
    if (touched.isEmpty()) {
      reasons.add(
          counts.total() == 0
              ? "nothing changes"
              : "nothing is removed or replaced; " + where + " environment");
    }
    reasons.add(
        counts.adds()
            + " to add, "
            + counts.modifies()
            + " to change, "
            + counts.replacements()
            + " to replace, "
            + counts.removes()
            + " to remove");
    reasons.add(
        laterStages.isEmpty()
            ? "no later stage: this is where the release ends"
            : "the release goes on to " + String.join(", then ", laterStages));
    return new BlastRadius(
        level,
        reasons,
        touched,
        counts,
        environment.tier(),
        environment.isProtected(),
        laterStages);
  }

  /** The stages of {@code app}'s pipeline after {@code environment}; none if it is not a stage. */
  public static List<String> laterStages(App app, String environment) {
    List<String> names = app.stageNames();
    int at = names.indexOf(environment);
    return at < 0 ? List.of() : List.copyOf(names.subList(at + 1, names.size()));
  }

  private static String describe(Environment environment) {
    return environment.tier().wireName()
        + "-tier, "
        + (environment.isProtected() ? "protected" : "unprotected");
  }

  /** How many resources the plan removes or replaces whose data may be lost. */
  public long dataLossCount() {
    return touched.stream().filter(Touched::dataLossPossible).count();
  }
}
