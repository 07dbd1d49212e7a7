package io.stagecoach.domain.promotion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One release moving through the app's pipeline, stage by stage, as a workflow execution (named
 * after the promotion's id). {@code stages} is where each stage stands; {@code failure} is the
 * stable code of why it stopped ({@code frozen}, {@code window_closed} (a window that does not open
 * within the stage's maximum wait), {@code approval_rejected}, ...). {@code breakGlassId} is the
 * confirmed break-glass that started it, if one did: its stages go past the gates it covers.
 */
public record Promotion(
    String id,
    String app,
    String version,
    String digest,
    String requestedBy,
    Instant startedAt,
    Status status,
    List<StageProgress> stages,
    Optional<String> failure,
    Optional<String> reason,
    Optional<Instant> finishedAt,
    Optional<String> breakGlassId,
    long revision) {

  /** A promotion no break-glass started. */
  public Promotion(
      String id,
      String app,
      String version,
      String digest,
      String requestedBy,
      Instant startedAt,
      Status status,
      List<StageProgress> stages,
      Optional<String> failure,
      Optional<String> reason,
      Optional<Instant> finishedAt,
      long revision) {
    this(
        id,
        app,
        version,
        digest,
        requestedBy,
        startedAt,
        status,
        stages,
        failure,
        reason,
        finishedAt,
        Optional.empty(),
        revision);
  }

  public enum Status {
    RUNNING,
    SUCCEEDED,
    FAILED,
    SUPERSEDED;

    public boolean isTerminal() {
      return this != RUNNING;
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public enum StageStatus {
    PENDING,
    /** The stage's deployment window is closed: the workflow waits until it opens. */
    WAITING_FOR_WINDOW,
    /**
     * The stage blocks on drift and its environment has drifted: the workflow waits, looking again
     * every {@code PromotionService.DRIFT_RECHECK}, until a deployment clears it.
     */
    WAITING_FOR_DRIFT,
    AWAITING_APPROVAL,
    DEPLOYING,
    VERIFYING,
    SOAKING,
    PROMOTED,
    FAILED,
    ROLLED_BACK;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StageStatus> fromWire(String value) {
      for (StageStatus s : values()) {
        if (s.wireName().equals(value)) {
          return Optional.of(s);
        }
      }
      return Optional.empty();
    }
  }

  public record StageProgress(
      String environment,
      StageStatus status,
      Optional<String> approvalId,
      Optional<String> deploymentId,
      Optional<Instant> startedAt,
      Optional<Instant> finishedAt,
      Optional<String> reason) {

    public static StageProgress pending(String environment) {
      return new StageProgress(
          environment,
          StageStatus.PENDING,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());
    }

    public StageProgress with(StageStatus status, Instant at) {
      return new StageProgress(
          environment,
          status,
          approvalId,
          deploymentId,
          startedAt.or(() -> Optional.of(at)),
          status == StageStatus.PROMOTED
                  || status == StageStatus.FAILED
                  || status == StageStatus.ROLLED_BACK
              ? Optional.of(at)
              : finishedAt,
          reason);
    }

    public StageProgress withApproval(String id) {
      return new StageProgress(
          environment, status, Optional.of(id), deploymentId, startedAt, finishedAt, reason);
    }

    public StageProgress withDeployment(String id) {
      return new StageProgress(
          environment, status, approvalId, Optional.of(id), startedAt, finishedAt, reason);
    }

    public StageProgress withReason(String why) {
      return new StageProgress(
          environment, status, approvalId, deploymentId, startedAt, finishedAt, Optional.of(why));
    }

    /** Without the reason it had while it waited: it goes on. */
    public StageProgress withoutReason() {
      return new StageProgress(
          environment, status, approvalId, deploymentId, startedAt, finishedAt, Optional.empty());
    }
  }

  public Promotion {
    stages = List.copyOf(stages);
  }

  public Optional<StageProgress> stage(String environment) {
    return stages.stream().filter(s -> s.environment().equals(environment)).findFirst();
  }

  /** The stage the promotion is at: the first one not yet promoted. */
  public Optional<StageProgress> current() {
    return stages.stream().filter(s -> s.status() != StageStatus.PROMOTED).findFirst();
  }

  public Promotion withStage(StageProgress changed) {
    List<StageProgress> next = new ArrayList<>();
    for (StageProgress s : stages) {
      next.add(s.environment().equals(changed.environment()) ? changed : s);
    }
    return new Promotion(
        id,
        app,
        version,
        digest,
        requestedBy,
        startedAt,
        status,
        next,
        failure,
        reason,
        finishedAt,
        breakGlassId,
        revision + 1);
  }

  public Promotion ended(
      Status status, Optional<String> failure, Optional<String> reason, Instant at) {
    return new Promotion(
        id,
        app,
        version,
        digest,
        requestedBy,
        startedAt,
        status,
        stages,
        failure,
        reason,
        Optional.of(at),
        breakGlassId,
        revision + 1);
  }
}
