package io.stagecoach.domain.promotion;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Page;
import io.stagecoach.domain.common.PageRequest;
import io.stagecoach.domain.common.WriteResult;
import java.util.List;
import java.util.Optional;

/**
 * The registry port for promotions and their approvals. Writes are conditional on the revision
 * read.
 */
public interface Promotions {

  WriteResult createPromotion(Promotion promotion);

  Optional<Promotion> findPromotion(String app, String id);

  /** Replaces the promotion if it is still at {@code expectedRevision}. */
  WriteResult savePromotion(Promotion promotion, long expectedRevision);

  Outcome<Page<Promotion>> listPromotions(String app, PageRequest page);

  WriteResult createApproval(Approval approval);

  /** The approval of this id (its app is part of the id). */
  Optional<Approval> findApproval(String id);

  /**
   * Replaces the approval if it is still as {@code read}: pending, with as many decisions and the
   * same task token (a step that re-asks hands over a new token; a decision made on the old one
   * must not undo that).
   */
  WriteResult saveApproval(Approval approval, Approval read);

  /** Pending approvals, oldest first. */
  Outcome<Page<Approval>> pendingApprovals(PageRequest page);

  /** The pending approvals of an app's stage (at most a few): what a newer promotion supersedes. */
  List<Approval> pendingApprovals(String app, String environment);
}
