package io.stagecoach.domain;

/** One step of an app's pipeline: the environment a release reaches at that point. */
public record Stage(String environment) {}
