package io.stagecoach.domain;

/**
 * The port to the workflow engine: starts a promotion's execution and answers the tasks it waits on (an
 * approval's, by its token). Technical failures throw; a token that is no longer awaited is reported as false.
 */
public interface PromotionRunner {

  void start(Promotion promotion, App app);

  boolean succeed(String taskToken, String outputJson);

  boolean fail(String taskToken, String error, String cause);
}
