package io.stagecoach.domain.deployment;

/** A deploy request as the caller sends it: which release into which environment. */
public record DeploymentSpec(String environment, String version) {}
