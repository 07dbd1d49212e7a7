package io.stagecoach.functions.slack;

import io.stagecoach.domain.chat.SlackDirectory;
import io.stagecoach.functions.support.Log;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One Slack message posted at most once per notice, whatever the event's redeliveries: the notice
 * is claimed in the directory (kept until {@code keptUntil}) before the post, and released when the
 * post did not happen (an exception, Slack unavailable), so that a redelivery posts it then. A
 * message Slack refused is logged and not tried again. {@code what} names the message in the log
 * lines ("drift message"), {@code subject} what it is about in the error thrown when Slack is
 * unavailable, {@code fields} the log lines' key/value pairs.
 */
final class SlackNotice {

  private SlackNotice() {}

  static void postOnce(
      SlackDirectory directory,
      Log log,
      String app,
      String notice,
      Instant keptUntil,
      Supplier<SlackWeb.Result> post,
      String what,
      String subject,
      String... fields) {
    if (!directory.claimApprovalNotice(app, notice, keptUntil)) {
      log.info(what + " already posted", fields);
      return;
    }
    SlackWeb.Result result;
    try {
      result = post.get();
    } catch (RuntimeException e) {
      directory.releaseApprovalNotice(app, notice);
      throw e;
    }
    switch (result) {
      case SlackWeb.Result.Delivered delivered -> log.info(what + " posted", fields);
      case SlackWeb.Result.Refused r -> {
        String[] withError = Arrays.copyOf(fields, fields.length + 2);
        withError[fields.length] = "error";
        withError[fields.length + 1] = r.error();
        log.error("Slack refused the " + what, withError);
      }
      case SlackWeb.Result.Unavailable u -> {
        directory.releaseApprovalNotice(app, notice);
        throw new ApprovalNotifier.SlackUnavailable(
            "Slack did not take the " + what + " for " + subject + ": " + u.reason());
      }
    }
  }
}
