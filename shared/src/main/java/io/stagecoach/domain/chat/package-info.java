/**
 * Chat commands ({@code /stagecoach deploy ...}) as the business reads them, and the directory that
 * links chat users to principals and apps to channels. The chat service's wire format (forms,
 * signatures) stays in the Slack adapter. Depends on {@code registry}, {@code access} and {@code
 * common}.
 */
package io.stagecoach.domain.chat;
