package io.stagecoach.domain.promotion;

import io.stagecoach.domain.registry.App;

/**
 * The port to the workflow engine: starts a promotion's execution and answers the tasks it waits on
 * (an approval's, by its token). Technical failures throw; a token that is no longer awaited is
 * reported as false.
 */
public interface PromotionRunner {

  /**
   * Where no workflow is configured: starting a promotion fails loudly, answers find nobody
   * waiting.
   */
  PromotionRunner UNAVAILABLE =
      new PromotionRunner() {
        @Override
        public void start(Promotion promotion, App app) {
          throw new IllegalStateException(
              "no promotion workflow is configured (PROMOTION_STATE_MACHINE)");
        }

        @Override
        public boolean succeed(String taskToken, String outputJson) {
          return false;
        }

        @Override
        public boolean fail(String taskToken, String error, String cause) {
          return false;
        }
      };

  void start(Promotion promotion, App app);

  boolean succeed(String taskToken, String outputJson);

  boolean fail(String taskToken, String error, String cause);
}
