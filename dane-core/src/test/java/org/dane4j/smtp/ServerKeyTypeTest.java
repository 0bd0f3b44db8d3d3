package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLParameters;
import org.dane4j.tlsa.TlsaRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue #16: a probe's recipe restricted to one server key type, and what each JDK allows. */
class ServerKeyTypeTest {
  private static final String[] SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"};

  private static TlsRecipe recipe() {
    return MxRoute.builder("mx.example.test", 10, 25, Clock.systemUTC()).mxSecure(true)
        .tlsa(List.of(TlsaRecord.parse("3 1 1 " + "ab".repeat(32))), "mx.example.test")
        .referenceNames(List.of("mx.example.test")).require(TlsRequirement.DANE, "test").tlsRecipe();
  }

  @Test
  @DisplayName("TLS-5, #16: a restricted probe keeps SNI and TLS >= 1.2 and offers only the key type's suites")
  void tls5_restrictedRecipeOffersOneKeyType() {
    TlsRecipe rsa = recipe().restrictedTo(ServerKeyType.RSA);
    SSLParameters p = rsa.applyTo(new SSLParameters(SUITES.clone()));

    assertThat(rsa.keyType()).contains(ServerKeyType.RSA);
    assertThat(p.getServerNames()).hasSize(1);
    assertThat(p.getProtocols()).doesNotContain("TLSv1.1", "TLSv1");
    if (ServerKeyType.perHandshakeSignatureSchemes()) {
      assertThat(p.getProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
      assertThat(p.getCipherSuites()).contains("TLS_AES_128_GCM_SHA256");
    } else { // Java 17/18: TLS 1.2 only, where the suite names the key type
      assertThat(p.getProtocols()).containsExactly("TLSv1.2");
      assertThat(p.getCipherSuites()).doesNotContain("TLS_AES_128_GCM_SHA256");
    }
    assertThat(p.getCipherSuites()).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256")
        .doesNotContain("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");

    SSLParameters ec = recipe().restrictedTo(ServerKeyType.ECDSA).applyTo(new SSLParameters(SUITES.clone()));
    assertThat(ec.getCipherSuites()).contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        .doesNotContain("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256");
  }

  @Test
  @DisplayName("#16: the sender's recipe is not restricted; Ed25519 alone only where the JDK can ask for it")
  void sendersRecipeUnrestrictedAndEd25519PerJdk() {
    SSLParameters p = recipe().applyTo(new SSLParameters(SUITES.clone()));
    assertThat(p.getCipherSuites()).containsExactly(SUITES);
    assertThat(recipe().keyType()).isEmpty();
    if (ServerKeyType.perHandshakeSignatureSchemes()) {
      assertThat(ServerKeyType.probeable()).containsExactly(ServerKeyType.RSA, ServerKeyType.ECDSA,
          ServerKeyType.ED25519);
    } else {
      assertThat(ServerKeyType.probeable()).containsExactly(ServerKeyType.RSA, ServerKeyType.ECDSA);
      assertThatThrownBy(() -> recipe().restrictedTo(ServerKeyType.ED25519))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be asked for alone");
      assertThat(ServerKeyType.ECDSA.covers(ServerKeyType.ED25519)).isTrue();
    }
  }
}
