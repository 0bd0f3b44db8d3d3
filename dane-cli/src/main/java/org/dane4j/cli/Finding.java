package org.dane4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One finding of the administrator's checks ({@link KeyTypes}, {@link CaWatchlist}) with its stable code, as
 * {@code check} prints it (a warning object) and {@code monitor} (a problem).
 *
 * @param code the stable code
 * @param message what is wrong, one sentence
 * @param fix what to do about it
 */
public record Finding(WarningCode code, String message, String fix) {
  /** The {@code check --json} warning object: code, message, fix. */
  public Map<String, Object> warning() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", code.name());
    m.put("message", message);
    m.put("fix", fix);
    return m;
  }
}
