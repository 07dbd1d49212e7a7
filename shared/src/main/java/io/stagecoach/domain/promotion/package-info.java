/**
 * Moving one release through an app's pipeline: promotions, their stage gates and approvals
 * (distinct people from groups, requester excluded), supersede and queue, freeze and rollback, and
 * a promotion's break-glass. The workflow engine is the {@code PromotionRunner} port. Depends on
 * {@code deployment}, {@code registry}, {@code pipeline}, {@code drift} (the drift gate), {@code
 * override} (break-glass), {@code access}, {@code events} and {@code common}.
 */
package io.stagecoach.domain.promotion;
