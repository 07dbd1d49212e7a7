package io.stagecoach.testing;

import io.stagecoach.domain.promotion.Promotion;
import io.stagecoach.domain.promotion.PromotionRunner;
import io.stagecoach.domain.registry.App;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the workflow in tests that run its steps themselves: it records the promotions it
 * was asked to start, and answers every task token's success or failure with {@code answers}.
 */
public final class RecordingPromotionRunner implements PromotionRunner {

  private final boolean answers;
  private final List<String> started = new CopyOnWriteArrayList<>();

  public RecordingPromotionRunner(boolean answers) {
    this.answers = answers;
  }

  @Override
  public void start(Promotion promotion, App app) {
    started.add(promotion.id());
  }

  @Override
  public boolean succeed(String taskToken, String outputJson) {
    return answers;
  }

  @Override
  public boolean fail(String taskToken, String error, String cause) {
    return answers;
  }

  /** The ids of the promotions started so far, in order. */
  public List<String> started() {
    return List.copyOf(started);
  }
}
