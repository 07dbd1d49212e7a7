/**
 * What an app's environments are made from and what they hand their stack: the environment template
 * ({@code EnvironmentTemplate}, inline or at an S3 URL), its immutable numbered revisions ({@code
 * TemplateRevision}, pinned by content), the {@code TemplateSource} port that reads a template at a
 * URL once, the DNS an environment passes to its template as parameters, and the resources a stack
 * is made of. Which revision a release uses is the registry's rule ({@code TemplatePinning}).
 * Depends on {@code common} only.
 */
package io.stagecoach.domain.template;
