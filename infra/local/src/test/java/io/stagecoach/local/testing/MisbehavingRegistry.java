package io.stagecoach.local.testing;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import io.stagecoach.domain.promotion.Approval;
import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionService;
import io.stagecoach.domain.promotion.Promotions;
import io.stagecoach.functions.aws.CoreServices;
import io.stagecoach.functions.aws.SfnPromotionRunner;
import io.stagecoach.functions.promotion.HttpVerifier;
import io.stagecoach.functions.promotion.PromotionStepsHandler;
import io.stagecoach.functions.support.Settings;
import io.stagecoach.registry.dynamodb.DynamoDbPromotions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * The promotions of the real registry (DynamoDB Local), misbehaving once each as DynamoDB can on
 * AWS: a step's conditional write loses a race to a concurrent writer, and a step's write is
 * throttled past the SDK's own retries. For the promotion steps function of the local cloud ({@link
 * #promotionSteps}); everything else about the function is as Lambda builds it.
 */
public final class MisbehavingRegistry implements Promotions {

  /** The faults to inject, each once, and how many were. */
  public static final class Faults {
    private final String app;
    private final String raceWhenPromoting;
    private final String throttleWhenCompleting;
    private final AtomicInteger races = new AtomicInteger();
    private final AtomicInteger throttles = new AtomicInteger();

    /**
     * @param app the app whose promotions misbehave
     * @param raceWhenPromoting the stage whose promotion (Promote stage) first loses a race
     * @param throttleWhenCompleting the stage whose completion (Complete stage) is first throttled
     */
    public Faults(String app, String raceWhenPromoting, String throttleWhenCompleting) {
      this.app = app;
      this.raceWhenPromoting = raceWhenPromoting;
      this.throttleWhenCompleting = throttleWhenCompleting;
    }

    public int races() {
      return races.get();
    }

    public int throttles() {
      return throttles.get();
    }
  }

  private static final Set<Promotion.StageStatus> COMPLETED =
      Set.of(Promotion.StageStatus.VERIFYING, Promotion.StageStatus.SOAKING);

  private final Promotions registry;
  private final Faults faults;

  public MisbehavingRegistry(Promotions registry, Faults faults) {
    this.registry = registry;
    this.faults = faults;
  }

  /**
   * The promotion steps function as its no-argument constructor builds it, but on this registry.
   */
  public static PromotionStepsHandler promotionSteps(
      Map<String, String> env, Clock clock, Faults faults) {
    Settings settings = Settings.fromEnvironment(env);
    CoreServices core = CoreServices.withWorkflow(settings);
    PromotionService promotions =
        new PromotionService(
            core.registry(),
            new MisbehavingRegistry(
                new DynamoDbPromotions(core.dynamo(), settings.registryTable()), faults),
            new SfnPromotionRunner(
                settings.stepFunctions(), settings.promotionStateMachine(), core.registry()),
            core.deployments(),
            core.events());
    return new PromotionStepsHandler(promotions, new HttpVerifier(), clock);
  }

  @Override
  public WriteResult savePromotion(Promotion promotion, long expectedRevision) {
    if (reaches(promotion, faults.raceWhenPromoting, Set.of(Promotion.StageStatus.PROMOTED))
        && faults.races.compareAndSet(0, 1)) {
      // Someone else writes the promotion between this step's read and its write: a real
      // concurrent write, which moves the revision on, so this step's conditional write fails.
      Promotion current = registry.findPromotion(promotion.app(), promotion.id()).orElseThrow();
      WriteResult concurrent =
          registry.savePromotion(current.withStage(current.stages().get(0)), current.revision());
      if (!(concurrent instanceof WriteResult.Written)) {
        throw new IllegalStateException("the concurrent write was refused: " + concurrent);
      }
    }
    if (reaches(promotion, faults.throttleWhenCompleting, COMPLETED)
        && faults.throttles.compareAndSet(0, 1)) {
      // What the SDK throws once its own retries of a throttled request are spent.
      throw ProvisionedThroughputExceededException.builder()
          .statusCode(400)
          .message("The level of configured provisioned throughput for the table was exceeded")
          .awsErrorDetails(
              AwsErrorDetails.builder()
                  .serviceName("DynamoDb")
                  .errorCode("ProvisionedThroughputExceededException")
                  .build())
          .build();
    }
    return registry.savePromotion(promotion, expectedRevision);
  }

  private boolean reaches(
      Promotion promotion, String environment, Set<Promotion.StageStatus> statuses) {
    return promotion.app().equals(faults.app)
        && promotion.stage(environment).map(s -> statuses.contains(s.status())).orElse(false);
  }

  @Override
  public WriteResult createPromotion(Promotion promotion) {
    return registry.createPromotion(promotion);
  }

  @Override
  public Optional<Promotion> findPromotion(String app, String id) {
    return registry.findPromotion(app, id);
  }

  @Override
  public Outcome<Page<Promotion>> listPromotions(String app, PageRequest page) {
    return registry.listPromotions(app, page);
  }

  @Override
  public WriteResult createApproval(Approval approval) {
    return registry.createApproval(approval);
  }

  @Override
  public Optional<Approval> findApproval(String id) {
    return registry.findApproval(id);
  }

  @Override
  public WriteResult saveApproval(Approval approval, Approval read) {
    return registry.saveApproval(approval, read);
  }

  @Override
  public Outcome<Page<Approval>> pendingApprovals(PageRequest page) {
    return registry.pendingApprovals(page);
  }

  @Override
  public List<Approval> pendingApprovals(String app, String environment) {
    return registry.pendingApprovals(app, environment);
  }
}
