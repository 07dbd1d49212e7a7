package io.stagecoach.local.provisioning;

import io.stagecoach.domain.template.TemplateRevision;
import io.stagecoach.domain.template.TemplateSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local cloud's stand-in for templates in S3: {@code s3://bucket/key} is the file {@code
 * {root}/bucket/key} (under {@code .stagecoach/s3/}). It keeps no versions, so a template is pinned
 * by its content alone, as from an S3 bucket without versioning.
 */
public final class LocalTemplateFiles implements TemplateSource {

  private final Path root;

  public LocalTemplateFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Read read(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return new Read.Unreadable("must be s3://bucket/key");
    }
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getPath().length() < 2) {
      return new Read.Unreadable(
          "the local cloud reads templates from s3://bucket/key locations only (files under "
              + root
              + ")");
    }
    Path file = root.resolve(uri.getHost()).resolve(uri.getPath().substring(1)).normalize();
    if (!file.startsWith(root)) {
      return new Read.Unreadable("must name a file under " + root);
    }
    if (!Files.isRegularFile(file)) {
      return new Read.Unreadable(
          "there is no object at " + url + " (the local cloud reads it from " + file + ")");
    }
    try {
      if (Files.size(file) > TemplateRevision.MAX_BODY_BYTES) {
        return new Read.Unreadable(
            "the object at "
                + url
                + " is larger than the "
                + TemplateRevision.MAX_BODY_BYTES
                + " bytes Stagecoach pins");
      }
      byte[] bytes = Files.readAllBytes(file);
      return new Read.Found(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString(),
          Optional.empty());
    } catch (CharacterCodingException e) {
      return new Read.Unreadable("the object at " + url + " is not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
