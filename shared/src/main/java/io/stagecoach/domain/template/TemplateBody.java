package io.stagecoach.domain.template;

import java.util.Optional;

/**
 * The shape of an inline template body: a JSON object (RFC 8259) with a {@code Resources} object
 * naming at least one resource, as CloudFormation requires
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html). Checked
 * when an app is registered or changed, so a body that no provisioner could use is refused then,
 * not at its first deployment. What the resources say stays the provisioner's to judge.
 *
 * <p>A strict reader of its own: the domain core takes no JSON library.
 */
final class TemplateBody {

  private final String text;
  private int at;

  private TemplateBody(String text) {
    this.text = text;
  }

  /** What is wrong with {@code body} as a template, if anything. */
  static Optional<String> problem(String body) {
    TemplateBody reader = new TemplateBody(body);
    try {
      reader.space();
      boolean object = reader.peek() == '{';
      int resources = object ? reader.object(true) : reader.skipValue(MISSING);
      reader.space();
      if (reader.at < body.length()) {
        throw reader.invalid("unexpected text after the template");
      }
      if (!object) {
        return Optional.of("must be a JSON object (a CloudFormation template)");
      }
      return switch (resources) {
        case MISSING -> Optional.of("must have a Resources object (CloudFormation needs one)");
        case NOT_AN_OBJECT -> Optional.of("Resources must be a JSON object");
        case 0 -> Optional.of("Resources must name at least one resource");
        default -> Optional.empty();
      };
    } catch (Invalid e) {
      return Optional.of("is not valid JSON: " + e.getMessage());
    }
  }

  /**
   * The body without the whitespace between its tokens: the form a template revision pins, so the
   * same template sent as an object or as indented text is the same revision. Only for a body
   * {@link #problem} accepts.
   */
  static String compact(String body) {
    StringBuilder out = new StringBuilder(body.length());
    boolean inString = false;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (inString) {
        out.append(c);
        if (c == '\\') {
          out.append(body.charAt(++i));
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        out.append(c);
      } else if (" \t\r\n".indexOf(c) < 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static final int MISSING = -1;
  private static final int NOT_AN_OBJECT = -2;

  /** Why the text is not JSON, and where. */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private Invalid invalid(String what) {
    return new Invalid(what + " at character " + (at + 1));
  }

  private char peek() throws Invalid {
    if (at >= text.length()) {
      throw invalid("unexpected end");
    }
    return text.charAt(at);
  }

  private void expect(char c) throws Invalid {
    if (peek() != c) {
      throw invalid("expected '" + c + "'");
    }
    at++;
  }

  private void space() {
    while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
      at++;
    }
  }

  /**
   * Reads an object. At the top ({@code top}), answers the size of its {@code Resources} member
   * ({@link #MISSING}, {@link #NOT_AN_OBJECT} or its member count); otherwise its own member count.
   */
  private int object(boolean top) throws Invalid {
    expect('{');
    int members = 0;
    int resources = MISSING;
    space();
    if (peek() == '}') {
      at++;
      return top ? resources : 0;
    }
    while (true) {
      space();
      String name = string();
      space();
      expect(':');
      space();
      if (top && name.equals("Resources")) {
        resources = peek() == '{' ? object(false) : skipValue(NOT_AN_OBJECT);
      } else {
        value();
      }
      members++;
      space();
      if (peek() == ',') {
        at++;
        continue;
      }
      expect('}');
      return top ? resources : members;
    }
  }

  private int skipValue(int answer) throws Invalid {
    value();
    return answer;
  }

  private void value() throws Invalid {
    switch (peek()) {
      case '{' -> object(false);
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> number();
    }
  }

  private void array() throws Invalid {
    expect('[');
    space();
    if (peek() == ']') {
      at++;
      return;
    }
    while (true) {
      space();
      value();
      space();
      if (peek() == ',') {
        at++;
        continue;
      }
      expect(']');
      return;
    }
  }

  private String string() throws Invalid {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = peek();
      at++;
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        at--;
        throw invalid("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escape = peek();
      at++;
      switch (escape) {
        case '"', '\\', '/' -> out.append(escape);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (at + 4 > text.length()) {
            throw invalid("unfinished \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
          } catch (NumberFormatException e) {
            throw invalid("bad \\u escape");
          }
          at += 4;
        }
        default -> {
          at--;
          throw invalid("bad escape");
        }
      }
    }
  }

  private void literal(String word) throws Invalid {
    if (!text.startsWith(word, at)) {
      throw invalid("unexpected character");
    }
    at += word.length();
  }

  /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?} */
  private void number() throws Invalid {
    int start = at;
    if (at < text.length() && text.charAt(at) == '-') {
      at++;
    }
    if (at < text.length() && text.charAt(at) == '0') {
      at++;
    } else if (digits() == 0) {
      at = start;
      throw invalid("unexpected character");
    }
    if (at < text.length() && text.charAt(at) == '.') {
      at++;
      if (digits() == 0) {
        throw invalid("digits expected");
      }
    }
    if (at < text.length() && (text.charAt(at) == 'e' || text.charAt(at) == 'E')) {
      at++;
      if (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
        at++;
      }
      if (digits() == 0) {
        throw invalid("digits expected");
      }
    }
  }

  private int digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at - start;
  }
}
