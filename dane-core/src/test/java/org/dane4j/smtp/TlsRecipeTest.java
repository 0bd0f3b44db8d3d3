package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one TLS recipe and the one reuse key every adapter takes from the route (TLS-4, TLS-5, TLS-6). */
class TlsRecipeTest {
  private static final TlsaRecord EE = TlsaRecord.parse("3 1 1 " + "ab".repeat(32));
  private static final TlsaRecord EE2 = TlsaRecord.parse("3 1 1 " + "cd".repeat(32));
  private static final TlsaRecord TA = TlsaRecord.parse("2 1 1 " + "ab".repeat(32));

  private static MxRoute route(String base, TlsRequirement requirement, List<String> names, boolean mxSecure,
      TlsaRecord... records) {
    return MxRoute.builder("mx.example.test", 10, 25, Clock.systemUTC()).mxSecure(mxSecure)
        .tlsa(List.of(records), base).referenceNames(names).require(requirement, "test");
  }

  @Test
  @DisplayName("TLS-4 / TLS-5: SNI = TLSA base domain without its dot, TLS 1.3/1.2 only, no host-name check of the stack")
  void tls4_recipe() {
    TlsRecipe recipe = route("mx.example.test.", TlsRequirement.DANE, List.of("mx.example.test"), true, EE)
        .tlsRecipe();
    assertThat(recipe.sniName()).contains("mx.example.test");
    assertThat(recipe.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    SSLParameters p = recipe.sslParameters();
    assertThat(p.getServerNames()).containsExactly(new SNIHostName("mx.example.test"));
    assertThat(p.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(p.getEndpointIdentificationAlgorithm()).isNull();
    assertThat(recipe.trustManager().dane()).isPresent();
    SSLParameters https = new SSLParameters(new String[] {"TLS_AES_128_GCM_SHA256"});
    https.setEndpointIdentificationAlgorithm("HTTPS");
    assertThat(recipe.applyTo(https).getEndpointIdentificationAlgorithm()).isNull();
    assertThat(https.getCipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
    assertThat(RouteTrustManager.TLS_PROTOCOLS).containsExactlyInAnyOrderElementsOf(TlsRecipe.PROTOCOLS);
  }

  @Test
  @DisplayName("TLS-4: a relay given as an address literal gets no SNI (RFC 6066 §3); each recipe has its own trust manager")
  void tls4_noSniForAddressLiterals() {
    for (String literal : List.of("192.0.2.1", "2001:db8::1")) {
      TlsRecipe recipe = route(literal, TlsRequirement.OPPORTUNISTIC, List.of(), false).tlsRecipe();
      assertThat(recipe.sniName()).as(literal).isEmpty();
      assertThat(recipe.sslParameters().getServerNames()).isEmpty();
    }
    MxRoute r = route("mx.example.test", TlsRequirement.ENCRYPT, List.of(), true);
    assertThat(r.tlsRecipe().trustManager()).isNotSameAs(r.tlsRecipe().trustManager());
  }

  @Test
  @DisplayName("TLS-6: routes share a reuse key only under the same requirement, TLSA RRset, MX security and (DANE-TA) names")
  void tls6_reuseKey() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    InetAddress b = InetAddress.getByName("192.0.2.2");
    RouteKey ee = route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "one.test"), true, EE)
        .reuseKey(a);
    // DANE-EE ignores names: another recipient domain on the same host shares the key
    assertThat(route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "two.test"), true, EE)
        .reuseKey(a)).isEqualTo(ee).hasSameHashCodeAs(ee);
    assertThat(ee.server()).isEqualTo("192.0.2.1|25");
    assertThat(ee.requirement()).isEqualTo(TlsRequirement.DANE);
    assertThat(List.of(
        route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "one.test"), true, EE).reuseKey(b),
        route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "one.test"), true, EE2).reuseKey(a),
        route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "one.test"), false, EE).reuseKey(a),
        route("mx.example.test", TlsRequirement.OPPORTUNISTIC, List.of(), true).reuseKey(a)))
        .allSatisfy(k -> assertThat(k).isNotEqualTo(ee));
    // DANE-TA checks names: the recipient domain is part of the key
    RouteKey ta = route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "one.test"), true, TA)
        .reuseKey(a);
    assertThat(route("mx.example.test", TlsRequirement.DANE, List.of("mx.example.test", "two.test"), true, TA)
        .reuseKey(a)).isNotEqualTo(ta);
  }
}
