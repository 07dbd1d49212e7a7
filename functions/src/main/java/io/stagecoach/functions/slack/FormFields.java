package io.stagecoach.functions.slack;

import io.stagecoach.domain.common.Outcome;
import io.stagecoach.domain.common.Rejection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of an {@code application/x-www-form-urlencoded} body, in the order they came, every
 * value of a repeated name kept. Slack sends slash commands and interaction payloads this way.
 *
 * <p>Decoding follows the URL standard's form rules
 * (https://url.spec.whatwg.org/#urlencoded-parsing): fields are split on {@code &} (empty ones
 * skipped), name from value on the first {@code =}, {@code +} is a space, {@code %XX} a byte, and
 * the bytes are UTF-8. Unlike browsers, which keep a stray {@code %} as it is, a {@code %} not
 * followed by two hex digits or bytes that are not UTF-8 make the body malformed: Slack never sends
 * either, so such a body was not written by Slack.
 */
public record FormFields(Map<String, List<String>> values) {

  public FormFields {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    values.forEach((name, all) -> copy.put(name, List.copyOf(all)));
    values = Collections.unmodifiableMap(copy);
  }

  /**
   * The fields of {@code body}, or a validation rejection on field {@code body} saying what is
   * malformed.
   */
  public static Outcome<FormFields> decode(String body) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return Outcome.accepted(new FormFields(values));
    }
    for (String field : body.split("&", -1)) {
      if (field.isEmpty()) {
        continue;
      }
      int eq = field.indexOf('=');
      String rawName = eq < 0 ? field : field.substring(0, eq);
      String rawValue = eq < 0 ? "" : field.substring(eq + 1);
      Optional<String> name = percentDecode(rawName);
      Optional<String> value = percentDecode(rawValue);
      if (name.isEmpty() || value.isEmpty()) {
        return Outcome.rejected(
            Rejection.invalid(
                "body",
                "is not form-urlencoded: field '"
                    + shorten(field)
                    + "' has a '%' not followed by two hex digits"
                    + " or bytes that are not UTF-8"));
      }
      values.computeIfAbsent(name.get(), n -> new ArrayList<>()).add(value.get());
    }
    return Outcome.accepted(new FormFields(values));
  }

  /** The first value of {@code name}, if the body has it. */
  public Optional<String> first(String name) {
    List<String> all = values.get(name);
    return all == null ? Optional.empty() : Optional.of(all.get(0));
  }

  /** Every value of {@code name}, in body order; empty when the body has none. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  private static Optional<String> percentDecode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    byte[] utf8 = raw.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < utf8.length; i++) {
      byte b = utf8[i];
      if (b == '+') {
        bytes.write(' ');
      } else if (b == '%') {
        if (i + 2 >= utf8.length) {
          return Optional.empty();
        }
        int high = Character.digit(utf8[i + 1], 16);
        int low = Character.digit(utf8[i + 2], 16);
        if (high < 0 || low < 0) {
          return Optional.empty();
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        bytes.write(b);
      }
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes.toByteArray()))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }
}
