package io.stagecoach.domain.access;

/** A token just issued: the secret is shown this once and never stored. */
public record IssuedToken(ApiToken token, String secret) {}
