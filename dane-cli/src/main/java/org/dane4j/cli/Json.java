package org.dane4j.cli;

import java.util.List;
import java.util.Map;
import org.dane4j.smtp.ReportJson;

/**
 * The JSON of the {@code --json} outputs: objects as {@link Map}s (kept in insertion order by the caller),
 * arrays as {@link List}s, strings, booleans, integers and null; written by core's {@link ReportJson#json}, so
 * every command escapes exactly as {@code send --json} does (ASCII only, every control character escaped).
 */
public final class Json {
  private Json() {}

  /** The JSON text of {@code value}, followed by no newline. */
  public static String write(Object value) {
    return ReportJson.json(value);
  }
}
