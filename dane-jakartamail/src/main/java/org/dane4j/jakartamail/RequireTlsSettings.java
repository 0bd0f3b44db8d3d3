package org.dane4j.jakartamail;

import jakarta.mail.MessagingException;
import java.util.Properties;
import java.util.Set;
import org.dane4j.smtp.RequireTls;
import org.dane4j.smtp.RequireTlsPolicy;

/**
 * The REQUIRETLS properties of a Jakarta Mail session (RFC 8689; checklist RTLS-1, RTLS-2), read in this one
 * place for relay mode and {@code DaneMailer}:
 *
 * <pre>
 * mail.smtp.dane.requiretls=false               # every message requires TLS (REQUIRETLS)
 * mail.smtp.dane.requiretls-policy=enforce      # relay mode: enforce | opportunistic for the relay hop
 * mail.smtp.dane.honour-tls-required-no=true    # DaneMailer: honour a message's TLS-Required: No
 * </pre>
 *
 * @param requireTls every message of the session requires TLS
 * @param relayPolicy relay mode's REQUIRETLS policy for the relay
 * @param honourTlsRequiredNo whether {@code TLS-Required: No} is honoured (DaneMailer)
 */
record RequireTlsSettings(boolean requireTls, RequireTlsPolicy relayPolicy, boolean honourTlsRequiredNo) {
  /** Every message requires TLS (REQUIRETLS); false by default. */
  static final String REQUIRE_TLS = DaneSettings.PREFIX + "requiretls";
  /** Relay mode: {@code enforce} (default) or {@code opportunistic} for the relay hop. */
  static final String POLICY = DaneSettings.PREFIX + "requiretls-policy";
  /** Whether a message's {@code TLS-Required: No} is honoured; true by default. */
  static final String HONOUR_TLS_REQUIRED_NO = DaneSettings.PREFIX + "honour-tls-required-no";
  static final Set<String> NAMES = Set.of(REQUIRE_TLS, POLICY, HONOUR_TLS_REQUIRED_NO);

  static RequireTlsSettings of(Properties p) throws MessagingException {
    String policy = p.getProperty(POLICY, "enforce").strip();
    RequireTlsPolicy relay = switch (policy) {
      case "enforce" -> RequireTlsPolicy.ENFORCE;
      case "opportunistic" -> RequireTlsPolicy.OPPORTUNISTIC;
      default -> throw new MessagingException(POLICY + " must be enforce or opportunistic, got \"" + policy + "\"");
    };
    return new RequireTlsSettings(bool(p, REQUIRE_TLS, false), relay, bool(p, HONOUR_TLS_REQUIRED_NO, true));
  }

  /** The session's requirement for every message: REQUIRETLS or none. */
  RequireTls sessionRequirement() {
    return requireTls ? RequireTls.REQUIRETLS : RequireTls.NONE;
  }

  private static boolean bool(Properties p, String name, boolean dflt) throws MessagingException {
    Object o = p.get(name);
    if (o instanceof Boolean b) {
      return b;
    }
    String v = p.getProperty(name, Boolean.toString(dflt)).strip();
    if (!v.equals("true") && !v.equals("false")) {
      throw new MessagingException(name + " must be true or false, got \"" + v + "\"");
    }
    return Boolean.parseBoolean(v);
  }
}
