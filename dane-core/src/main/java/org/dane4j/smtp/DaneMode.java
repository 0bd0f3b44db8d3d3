package org.dane4j.smtp;

import java.util.Locale;

/**
 * The per-destination policy (checklist POL-1), named as Postfix names its TLS security levels.
 */
public enum DaneMode {
  /** DANE where the destination publishes it securely, opportunistic TLS elsewhere (the default). */
  DANE("dane"),
  /** Like {@link #DANE}, but a host without usable secure TLSA records is not used (defer). */
  DANE_ONLY("dane-only"),
  /** TLS mandatory for every host, no authentication; TLSA is not looked up. */
  ENCRYPT("encrypt"),
  /** Opportunistic TLS only; TLSA is not looked up. */
  MAY("may");

  private final String label;

  DaneMode(String label) {
    this.label = label;
  }

  /** The configuration word: {@code dane}, {@code dane-only}, {@code encrypt} or {@code may}. */
  public String label() {
    return label;
  }

  /**
   * The mode for a configuration word.
   *
   * @throws IllegalArgumentException naming the accepted words
   */
  public static DaneMode parse(String word) {
    String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT);
    for (DaneMode m : values()) {
      if (m.label.equals(w)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown DANE mode \"" + word + "\"; use dane, dane-only, encrypt or may");
  }

  @Override
  public String toString() {
    return label;
  }
}
