package io.stagecoach.domain.chat;

import java.time.Instant;

/** The Slack channel where an app's approval requests are posted. It goes with the app. */
public record SlackChannel(String app, String channelId, Instant updatedAt, String updatedBy) {}
