package org.dane4j.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.dane4j.smtp.RecipientResult.Status;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The envelope rules of checklist IN-1, each on its own, with the RFC 5321 §4.5.3.1 limits at their edges. */
class EnvelopeTest {
  private static final String OK_SENDER = "alice@example.org";

  private static String recipientProblem(String address) {
    return Envelope.problem(address, true);
  }

  private static String domainOf(int octets) {
    StringBuilder d = new StringBuilder();
    while (d.length() < octets) {
      int left = octets - d.length();
      if (left <= 63) {
        d.append("x".repeat(left));
      } else {
        d.append("x".repeat(Math.min(62, left - 2))).append('.');
      }
    }
    return d.toString();
  }

  @Test
  @DisplayName("IN-1: plain addresses, UTF-8 and quoted local parts pass; domains are grouped in A-label form")
  void in1_goodAddressesPass() {
    Envelope e = Envelope.of(OK_SENDER, List.of("bob@Example.COM", "\"john doe\"@example.com", "jörg@bücher.example",
        "first.last+tag@sub.example.net"));
    assertThat(e.refused()).isEmpty();
    assertThat(e.domains()).containsExactly(
        Map.entry("example.com", List.of("bob@Example.COM", "\"john doe\"@example.com")),
        Map.entry("xn--bcher-kva.example", List.of("jörg@bücher.example")),
        Map.entry("sub.example.net", List.of("first.last+tag@sub.example.net")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"bob\r@example.com", "bob@example.com\r\nRCPT TO:<x@evil.test>", "bob\0@example.com",
      "bob\t@example.com", "bob\u007f@example.com", "bob\u0085@example.com", "bob\u2028@example.com",
      "\"bob\r\"@example.com", "\"bob\n\"@example.com"})
  @DisplayName("IN-1: a control character anywhere is refused, quoted or not")
  void in1_controlCharactersRefused(String address) {
    assertThat(recipientProblem(address)).contains("control character");
    assertThat(Envelope.problem(address, false)).contains("control character");
  }

  @Test
  @DisplayName("IN-1: the reason names the control character and never echoes it raw")
  void in1_reasonNamesTheControl() {
    Envelope e = Envelope.of("al\rice@example.org", List.of("bob@example.com"));
    assertThat(e.senderProblem()).hasValueSatisfying(p -> assertThat(p).contains("(CR)"));
    assertThat(e.refused()).singleElement().satisfies(r -> {
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.attempts()).isEmpty();
      assertThat(r.reason()).contains("envelope sender \"al\\u000dice@example.org\"").doesNotContain("\r")
          .contains("nothing was sent");
    });
    assertThat(e.domains()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bob", "@example.com", "bob@", "bob@@example.com", "bo b@example.com", "<bob@example.com>",
      "bob..x@example.com", ".bob@example.com", "bob.@example.com", "bob@example.com.", "bob@exa_mple.com",
      "bob@-example.com", "bob@example..com", "\"unterminated@example.com", "bob@192.0.2.1", "bob@[]"})
  @DisplayName("IN-1: what is not local@domain of RFC 5321 §4.1.2 is refused")
  void in1_syntaxRefused(String address) {
    assertThat(recipientProblem(address)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"carol@[192.0.2.1]", "carol@[IPv6:2001:db8::1]", "carol@[not a literal]"})
  @DisplayName("IN-1: a recipient at an address literal is refused with the DANE reason")
  void in1_addressLiteralRecipientRefused(String address) {
    assertThat(recipientProblem(address)).contains("address literal").contains("no MX or TLSA record")
        .contains("RFC 7672");
  }

  @Test
  @DisplayName("IN-1: through a relay a recipient at a valid address literal is accepted, a bad literal is not")
  void in1_relayAcceptsRecipientLiterals() {
    Envelope e = Envelope.forRelay(OK_SENDER, List.of("carol@[192.0.2.1]", "dan@[192.0.2.999]", "bob@example.com"));
    assertThat(e.domains()).containsOnlyKeys("[192.0.2.1]", "example.com");
    assertThat(e.refused()).singleElement().satisfies(r -> assertThat(r.reason()).contains("not an address literal"));
  }

  @Test
  @DisplayName("IN-1: a sender at an address literal or the null reverse-path is accepted; a bad literal is not")
  void in1_senderLiteralAndNullSender() {
    assertThat(Envelope.problem("alice@[192.0.2.1]", false)).isNull();
    assertThat(Envelope.problem("alice@[IPv6:2001:db8::1]", false)).isNull();
    assertThat(Envelope.problem("alice@[192.0.2.256]", false)).contains("not an address literal");
    assertThat(Envelope.problem("alice@[IPv6:zz]", false)).contains("not an address literal");
    assertThat(Envelope.problem("", false)).isNull();
    assertThat(recipientProblem("")).contains("empty");
  }

  @Test
  @DisplayName("IN-1: local part: 64 octets pass, 65 are refused; counted in UTF-8 octets")
  void in1_localPartLimit() {
    assertThat(recipientProblem("a".repeat(64) + "@example.com")).isNull();
    assertThat(recipientProblem("a".repeat(65) + "@example.com")).contains("65 octets")
        .contains("MAX_LOCAL_PART_OCTETS of 64");
    assertThat(recipientProblem("ü".repeat(32) + "@example.com")).isNull();
    assertThat(recipientProblem("ü".repeat(33) + "@example.com")).contains("66 octets");
  }

  @Test
  @DisplayName("IN-1: path: an address of 254 octets (256 with <>) passes, 255 is refused")
  void in1_pathLimit() {
    String at254 = "a".repeat(64) + "@" + domainOf(189);
    assertThat(at254).hasSize(254);
    assertThat(recipientProblem(at254)).isNull();
    String at255 = "a".repeat(64) + "@" + domainOf(190);
    assertThat(recipientProblem(at255)).contains("257 octets").contains("MAX_PATH_OCTETS of 256");
  }

  @Test
  @DisplayName("IN-1: domain: more than 255 octets is refused by the domain limit")
  void in1_domainLimit() {
    assertThat(recipientProblem("a@" + domainOf(256))).contains("256 octets").contains("MAX_DOMAIN_OCTETS of 255");
    assertThat(recipientProblem("a@" + domainOf(255))).contains("MAX_PATH_OCTETS");
  }

  @Test
  @DisplayName("IN-1: a bad recipient is refused alone; the others stay deliverable; duplicates are taken once")
  void in1_oneBadRecipientAlone() {
    Envelope e = Envelope.of(OK_SENDER, List.of("bob@example.com", "carol@[192.0.2.1]", "BOB@example.com",
        "dave@example.net"));
    assertThat(e.recipients()).containsExactly("bob@example.com", "carol@[192.0.2.1]", "dave@example.net");
    assertThat(e.domains()).containsOnlyKeys("example.com", "example.net");
    assertThat(e.refused()).singleElement().satisfies(r -> {
      assertThat(r.recipient()).isEqualTo("carol@[192.0.2.1]");
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.failureType()).isNull();
    });
    RecipientResult bob = new RecipientResult("bob@example.com", Status.DELIVERED, List.of(), "accepted", null);
    DeliveryReport report = e.report(List.of(bob));
    assertThat(report.results()).extracting(RecipientResult::status)
        .containsExactly(Status.DELIVERED, Status.FAILED, Status.DEFERRED);
    assertThat(report.of("dave@example.net").reason()).contains("internal error");
  }

  @Test
  @DisplayName("IN-1: an unexpected error in one domain defers that domain's recipients with its message")
  void in1_unexpectedErrorDefers() {
    Envelope e = Envelope.of(OK_SENDER, List.of("bob@example.com", "dave@example.net"));
    List<RecipientResult> deferred = e.deferredByError("example.net",
        new CompletionException(new IllegalStateException("boom")));
    assertThat(deferred).singleElement().satisfies(r -> {
      assertThat(r.recipient()).isEqualTo("dave@example.net");
      assertThat(r.status()).isEqualTo(Status.DEFERRED);
      assertThat(r.reason()).contains("example.net").contains("IllegalStateException: boom");
    });
  }

  @Test
  @DisplayName("IN-1: EHLO name: host names (to A-labels) and address literals; nothing else")
  void in1_ehloName() {
    assertThat(Envelope.checkEhloName("MTA.example.org.")).isEqualTo("mta.example.org");
    assertThat(Envelope.checkEhloName("mta.bücher.example")).isEqualTo("mta.xn--bcher-kva.example");
    assertThat(Envelope.checkEhloName("[192.0.2.1]")).isEqualTo("[192.0.2.1]");
    assertThat(Envelope.checkEhloName("[IPv6:2001:db8::1]")).isEqualTo("[IPv6:2001:db8::1]");
    assertThatThrownBy(() -> Envelope.checkEhloName("mta.example.org\r\nMAIL FROM:<x@y>"))
        .hasMessageContaining("control character (CR)");
    assertThatThrownBy(() -> Envelope.checkEhloName("mta example.org")).hasMessageContaining("EHLO name");
    assertThatThrownBy(() -> Envelope.checkEhloName("[192.0.2.300]")).hasMessageContaining("address literal");
    assertThatThrownBy(() -> Envelope.checkEhloName("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("IN-1: no recipient is a programming error")
  void in1_noRecipient() {
    assertThatThrownBy(() -> Envelope.of(OK_SENDER, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("IN-1: the Dot-string check without a regex accepts exactly what the grammar's regex accepts")
  void in1_dotStringAsTheRegex() {
    List<String> fixed = List.of("", ".", "a", "a.", ".a", "a..b", "a.b", "first.last", "x+tag", "o'neil",
        "a!#$%&'*+-/=?^_`{|}~z", "a b", "a\"b", "a(b)", "a,b", "a:b", "a;b", "a<b", "a>b", "a@b", "a[b]", "a\\b",
        "j\u00f6rg", "\u00e9.\u00e8", "\ud83d\ude00", "a\ud800", "\udc00.b", "a\u007fb", "a\u0000");
    for (String s : fixed) {
      assertThat(Envelope.dotString(s)).as("'%s'", s).isEqualTo(Envelope.DOT_STRING.matcher(s).matches());
    }
    java.util.Random random = new java.util.Random(17);
    String alphabet = "a.Z9!\"@ \\(),~\u00e9\ud83d\ude00\u0001";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      for (int k = random.nextInt(8); k > 0; k--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = b.toString();
      assertThat(Envelope.dotString(s)).as("'%s'", s).isEqualTo(Envelope.DOT_STRING.matcher(s).matches());
    }
  }
}
