package io.stagecoach.local.testing;

import io.stagecoach.local.http.LocalCredentials;
import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

/** How tests sign their AWS calls to a local cloud: with the key serve keeps in its directory. */
public final class LocalAws {

  private LocalAws() {}

  /**
   * The local cloud's key, read by the SDK from the shared-credentials file serve wrote in {@code
   * dataDir} (so the file is proved readable as the SDKs and the AWS CLI read it).
   */
  public static AwsCredentialsProvider credentials(Path dataDir) {
    return ProfileCredentialsProvider.builder()
        .profileFile(
            ProfileFile.builder()
                .content(dataDir.resolve(LocalCredentials.FILE_NAME))
                .type(ProfileFile.Type.CREDENTIALS)
                .build())
        .profileName(LocalCredentials.PROFILE)
        .build();
  }
}
