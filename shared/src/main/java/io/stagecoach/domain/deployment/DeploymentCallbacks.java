package io.stagecoach.domain.deployment;

/**
 * Answers the workflow step that waits for a deployment (a promotion's Deploy task, by its token)
 * once the deployment has ended. A token nobody waits for any more is ignored.
 */
public interface DeploymentCallbacks {

  DeploymentCallbacks NONE =
      new DeploymentCallbacks() {
        @Override
        public void succeeded(String token, Deployment deployment) {}

        @Override
        public void failed(String token, Deployment deployment) {}
      };

  void succeeded(String token, Deployment deployment);

  void failed(String token, Deployment deployment);
}
