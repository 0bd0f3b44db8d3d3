package org.dane4j.cli.send;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How {@link Reports#shorten} fits a reason on a "why:" line. */
class ReportsTest {
  @Test
  @DisplayName("#16: a long reason is cut between words, with room for the ellipsis")
  void aLongReasonIsCutBetweenWords() {
    String reason = "the certificate chain does not validate against the trust anchor because the issuer changed";

    String shortened = Reports.shorten(reason, 40);

    assertThat(shortened).isEqualTo("the certificate chain does not ...").hasSizeLessThanOrEqualTo(40);
    assertThat(Reports.shorten(reason, reason.length())).isEqualTo(reason);
  }

  @Test
  void lineBreaksAndLongDigestsAreFoldedFirst() {
    String reason = "no match for\n  3 1 1 " + "ab".repeat(32) + " at depth 0";

    assertThat(Reports.shorten(reason, 200)).isEqualTo("no match for 3 1 1 abababababab... at depth 0");
  }
}
