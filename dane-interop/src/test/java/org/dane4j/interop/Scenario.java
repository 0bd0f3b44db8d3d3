package org.dane4j.interop;

import org.dane4j.smtp.TlsRequirement;
import org.dane4j.smtp.TlsVerdict;

/**
 * One lab scenario: a recipient domain with one MX host (see SCENARIOS in interop/lab.sh) and what RFC 7672
 * demands of a sender.
 *
 * @param name the scenario's name in lab.sh
 * @param domain the recipient domain
 * @param mxHost its only MX host
 * @param requirement the TLS requirement RFC 7672 §2.2 gives the MX host
 * @param delivered whether the message must be delivered (else deferred)
 * @param verdict the verdict of the delivering attempt, or of the failed attempt; null when no connection may be made
 * @param checklist the RFC 7672 checklist IDs the scenario proves
 */
record Scenario(String name, String domain, String mxHost, TlsRequirement requirement, boolean delivered,
    TlsVerdict verdict, String checklist) {

  static final Scenario[] ALL = {
      new Scenario("ee", "ee.sec.test", "mx.ee.sec.test", TlsRequirement.DANE, true, TlsVerdict.VERIFIED,
          "EE-1 TLSA-3 (NSEC zone, 3 1 1)"),
      new Scenario("ta", "ta.sec.test", "mx.ta.sec.test", TlsRequirement.DANE, true, TlsVerdict.VERIFIED,
          "TA-1 TA-2 TA-3 (2 1 1 of the issuing CA)"),
      new Scenario("mismatch", "mismatch.sec.test", "mx.mismatch.sec.test", TlsRequirement.DANE, false,
          TlsVerdict.FAILED, "TLS-1 TLS-2 (3 1 1 of another key)"),
      new Scenario("unusable", "unusable.sec.test", "mx.unusable.sec.test", TlsRequirement.ENCRYPT, true,
          TlsVerdict.ENCRYPTED, "USE-1 USE-2 USE-5 (0 1 1, 1 1 1, 4 1 1 only)"),
      new Scenario("bogus", "bogus.sec.test", "mx.bogus.sec.test", TlsRequirement.UNUSABLE, false, null,
          "DNS-2 TLSA-3 (TLSA RRSIG corrupted after signing)"),
      new Scenario("n3nodata", "nodata.n3.test", "mx.nodata.n3.test", TlsRequirement.OPPORTUNISTIC, true,
          TlsVerdict.OPPORTUNISTIC, "DNS-1 TLSA-3 (NSEC3 NODATA: TXT at the TLSA name)"),
      new Scenario("n3nxdomain", "nxdomain.n3.test", "mx.nxdomain.n3.test", TlsRequirement.OPPORTUNISTIC, true,
          TlsVerdict.OPPORTUNISTIC, "DNS-1 TLSA-3 (NSEC3 NXDOMAIN)"),
      new Scenario("n3ee", "ee.n3.test", "mx.ee.n3.test", TlsRequirement.DANE, true, TlsVerdict.VERIFIED,
          "EE-1 (NSEC3 zone, 3 1 1)"),
      new Scenario("insecure", "plain.insecure.test", "mx.plain.insecure.test", TlsRequirement.OPPORTUNISTIC,
          true, TlsVerdict.OPPORTUNISTIC, "ADDR-1 TLSA-3 (unsigned zone; its wrong 3 1 1 is ignored)"),
      new Scenario("nostarttls", "nostarttls.sec.test", "mx.nostarttls.sec.test", TlsRequirement.DANE, false,
          TlsVerdict.FAILED, "TLS-1 (good 3 1 1, but the server offers no STARTTLS)"),
      new Scenario("taname", "taname.sec.test", "mx.taname.sec.test", TlsRequirement.DANE, false,
          TlsVerdict.FAILED, "TA-3 (good 2 1 1, but the leaf names wrong-name.sec.test)"),
      new Scenario("rollover", "rollover.sec.test", "mx.rollover.sec.test", TlsRequirement.DANE, true,
          TlsVerdict.VERIFIED, "MIX-1 (3 1 1 of the next key beside the current one)"),
      new Scenario("expired", "expired.sec.test", "mx.expired.sec.test", TlsRequirement.DANE, true,
          TlsVerdict.VERIFIED, "EE-2 (3 1 1 of a leaf that expired in 2020: DANE-EE ignores dates)"),
      new Scenario("cname", "cname.sec.test", "mx.cname.sec.test", TlsRequirement.DANE, true, TlsVerdict.VERIFIED,
          "CNAME-1 (MX host is a CNAME; A and 3 1 1 only at the expanded name real.cname.sec.test)"),
      new Scenario("insecuremx", "insecuremx.insecure.test", "mx.insecuremx.sec.test", TlsRequirement.DANE, true,
          TlsVerdict.TRUSTED, "MX-2 (unsigned MX RRset, signed host with a good 3 1 1: DANE, logged as trusted)"),
      new Scenario("expsig", "expsig.sec.test", "mx.expsig.sec.test", TlsRequirement.UNUSABLE, false, null,
          "DNS-2 (good 3 1 1 in a zone whose signatures expired 10 days ago)"),
      new Scenario("servfail", "servfail.sec.test", "mx.servfail.sec.test", TlsRequirement.UNUSABLE, false, null,
          "DNS-2 (TLSA SERVFAIL: signed delegation of _tcp.<host> to a server that does not serve it)"),
      new Scenario("cnameins", "cnameins.sec.test", "mx.cnameins.sec.test", TlsRequirement.DANE, false,
          TlsVerdict.FAILED, "TA-3 (secure CNAME into the unsigned zone; good 2 1 1 at the original name; the leaf"
          + " names only the insecure target, which is never a reference identifier)"),
  };

  @Override
  public String toString() {
    return name + " (" + domain + "; " + checklist + ")";
  }
}
