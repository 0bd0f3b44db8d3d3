#!/usr/bin/env bash
# dane4j interop lab: a private DNSSEC hierarchy served by nsd, a validating unbound, and a receiving Postfix,
# all on loopback only.  Usage: interop/lab.sh up|down|status   (root, Debian 12)
#
#   nsd      127.53.0.2:53   authoritative for ".", "test.", "sec.test." (NSEC), "n3.test." (NSEC3),
#                           "insecure.test." (unsigned, no DS: insecure delegation), "_tcp.mx.expsig.sec.test." (expired RRSIGs),
#                           "n3weak.test." (NSEC3 10 iterations + salt, SHA-1 DS only: for the DNSSEC lint)
#   postfix  127.25.0.61:25  dualkey.sec.test: an RSA and an ECDSA certificate, a 3 1 1 of the ECDSA key only (#16)
#            127.25.0.62:25  pair.sec.test: the NCSC pair (3 1 1 + 2 1 1); mx2.pair.sec.test, the same listener,
#                           adds the 3 1 1 of pki/pair-next.pem (a key rollover after publishing; docs/operator-walkthrough.md)
#   unbound  127.53.0.3:53   validating resolver; root hints -> nsd; trust anchor = the private root's DS
#   postfix  127.25.0.21..44:25  one instance, one STARTTLS listener per MX host; virtual(8) appends every
#                           message to one mbox file, $LAB_DIR/mail/inbox
#   nginx    127.25.0.80:443 the MTA-STS policy hosts mta-sts.<domain> of STS_POLICIES (HTTPS, the lab CA)
#
# Everything lives in $LAB_DIR (default /tmp/dane4j-interop); "up" writes $LAB_DIR/lab.env for the tests.
# "down" stops exactly the PIDs "up" recorded and removes $LAB_DIR. Both are idempotent.
set -euo pipefail

LAB_DIR="${DANE4J_LAB_DIR:-/tmp/dane4j-interop}"
HERE="$(cd "$(dirname "$0")" && pwd)"
NSD_IP=127.53.0.2
UNBOUND_IP=127.53.0.3
PACKAGES=(nsd unbound ldnsutils postfix bind9-dnsutils openssl util-linux hash-slinger nginx curl postfix-mta-sts-resolver)
NGINX_IP=127.25.0.80

# scenario name | recipient domain | MX host | address | TLSA kind ("ee", "ta", "bad", "unusable", "none", "nodata",
# "ee-notls": a good 3 1 1 but the listener offers no STARTTLS; "ta-wrongname": a good 2 1 1 but the leaf names
# wrong-name.sec.test only; "rollover": 3 1 1 of the next key (not yet in use) beside the current one;
# "ee-expired": a good 3 1 1 for a leaf that expired in 2020; "cname-ee": the MX host is a CNAME to real.<...>,
# whose A and good 3 1 1 are at the expanded name; "ee-expsig": a good 3 1 1 in the child zone _tcp.<MX host>,
# signed with signatures that expired 10 days ago; "servfail": _tcp.<MX host> is a signed delegation (DS) to a
# which does not serve that zone (lame), so the TLSA lookup is SERVFAIL); "ta-cname-insecure": the MX host is a
# secure CNAME to mx.<scenario>.insecure.test in the unsigned zone, a good 2 1 1 sits at the original (secure)
# name only, and the leaf names only the insecure target, as an attacker who spoofs the unsigned zone would
# arrange (TA-3: a name from insecure DNS is never a reference identifier). The MX record goes into the recipient
# domain's zone, the host's records into the MX host's zone: insecuremx has an unsigned MX, a signed host.
SCENARIOS=(
  "ee|ee.sec.test|mx.ee.sec.test|127.25.0.21|ee"
  "ta|ta.sec.test|mx.ta.sec.test|127.25.0.22|ta"
  "mismatch|mismatch.sec.test|mx.mismatch.sec.test|127.25.0.23|bad"
  "unusable|unusable.sec.test|mx.unusable.sec.test|127.25.0.24|unusable"
  "bogus|bogus.sec.test|mx.bogus.sec.test|127.25.0.25|ee"
  "n3nodata|nodata.n3.test|mx.nodata.n3.test|127.25.0.26|nodata"
  "n3nxdomain|nxdomain.n3.test|mx.nxdomain.n3.test|127.25.0.27|none"
  "n3ee|ee.n3.test|mx.ee.n3.test|127.25.0.28|ee"
  "insecure|plain.insecure.test|mx.plain.insecure.test|127.25.0.29|bad"
  "nostarttls|nostarttls.sec.test|mx.nostarttls.sec.test|127.25.0.30|ee-notls"
  "taname|taname.sec.test|mx.taname.sec.test|127.25.0.31|ta-wrongname"
  "rollover|rollover.sec.test|mx.rollover.sec.test|127.25.0.32|rollover"
  "expired|expired.sec.test|mx.expired.sec.test|127.25.0.33|ee-expired"
  "cname|cname.sec.test|mx.cname.sec.test|127.25.0.34|cname-ee"
  "insecuremx|insecuremx.insecure.test|mx.insecuremx.sec.test|127.25.0.35|ee"
  "expsig|expsig.sec.test|mx.expsig.sec.test|127.25.0.36|ee-expsig"
  "servfail|servfail.sec.test|mx.servfail.sec.test|127.25.0.37|servfail"
  "cnameins|cnameins.sec.test|mx.cnameins.sec.test|127.25.0.38|ta-cname-insecure"
  "stsenforce|stsenforce.sec.test|mx.stsenforce.sec.test|127.25.0.39|none"
  "stsmismatch|stsmismatch.sec.test|mx.stsmismatch.sec.test|127.25.0.40|none"
  "ststesting|ststesting.sec.test|mx.ststesting.sec.test|127.25.0.41|none"
  "stsdane|stsdane.sec.test|mx.stsdane.sec.test|127.25.0.42|ee"
  "sts404|sts404.sec.test|mx.sts404.sec.test|127.25.0.43|none"
  "ststype|ststype.sec.test|mx.ststype.sec.test|127.25.0.44|none"
)
# MTA-STS (RFC 8461): scenario name (its domain and MX above) | mode | mx patterns (comma-separated) | how nginx
# serves https://mta-sts.<domain>/.well-known/mta-sts.txt: "ok" (200 text/plain), "404" (no such file), "html"
# (200 but Content-Type text/html). Each domain gets _mta-sts TXT "v=STSv1; id=<STS_ID>;" and mta-sts A $NGINX_IP.
STS_ID=20260101T000000
STS_POLICIES=(
  "stsenforce|enforce|*.stsenforce.sec.test|ok"
  "stsmismatch|enforce|mx.elsewhere.sec.test|ok"
  "ststesting|testing|mx.elsewhere.sec.test|ok"
  "stsdane|enforce|mx.elsewhere.sec.test|ok"
  "sts404|enforce|mx.sts404.sec.test|404"
  "ststype|enforce|mx.ststype.sec.test|html"
)
# dualkey (#16, KEY_TYPE_NOT_COVERED of dane4j check): recipient domain | MX host | address. The listener has an
# ECDSA and an RSA certificate (smtpd_tls_chain_files with two key+chain files); the TLSA RRset covers the ECDSA
# key only, so a sender that gets the RSA certificate fails. Not in SCENARIOS: the delivery tests leave it alone.
DUALKEY="dualkey.sec.test|mx.dualkey.sec.test|127.25.0.61"
# pair (#16, docs/operator-walkthrough.md): recipient domain | MX host | address | second host name. The
# NCSC FS-2017-01 set-up: a 3 1 1 of the server's key and a 2 1 1 of the issuing CA's key. The second name
# (an A to the same listener) also publishes the 3 1 1 of pki/pair-next.pem, the key of the next certificate:
# the state of a key rollover once its record is published. Not in SCENARIOS.
PAIR="pair.sec.test|mx.pair.sec.test|127.25.0.62|mx2.pair.sec.test"
LAME_IP=$NSD_IP       # nsd serves no such zone: the servfail scenario's TLSA zone delegation is lame
# and multi.sec.test: MX 10 mx.mismatch.sec.test (DANE fails), MX 20 mx.ee.sec.test (DANE verified);
# nullmx.sec.test: MX 0 . (RFC 7505 null MX: accepts no mail)

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: ERROR: %s\n' "$*" >&2; exit 1; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local created_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >"${TMPDIR:-/tmp}/dane4j-interop-apt.log" 2>&1 || rc=$?
  [ $created_policy -eq 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc -eq 0 ] || { tail -20 "${TMPDIR:-/tmp}/dane4j-interop-apt.log" >&2; die "apt-get failed ($rc)"; }
}

# ---------------------------------------------------------------- certificates
make_certs() {
  local d="$LAB_DIR/pki"
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=dane4j interop CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  # an unrelated key, for the mismatching 3 1 1
  openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out "$d/other.key" 2>/dev/null
  local s name mx ip kind san cn
  for s in "${SCENARIOS[@]}"; do
    IFS='|' read -r name _ mx ip kind <<<"$s"
    cn=$mx; [ "$kind" = ta-cname-insecure ] && cn=$(insecure_target "$mx")
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$cn" \
      -keyout "$d/$name.key" -out "$d/$name.csr" 2>/dev/null
    san=$mx; [ "$kind" = ta-wrongname ] && san=wrong-name.sec.test
    [ "$kind" = ta-cname-insecure ] && san=$(insecure_target "$mx")
    printf 'subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' \
      "$san" >"$d/$name.ext"
    if [ "$kind" = ee-expired ]; then   # openssl x509 cannot back-date; openssl ca can
      mkdir -p "$d/ca-db"; : >"$d/ca-db/index.txt"; echo 1000 >"$d/ca-db/serial"
      printf '[ca]\ndefault_ca=d\n[d]\ndatabase=%s/ca-db/index.txt\nnew_certs_dir=%s/ca-db\nserial=%s/ca-db/serial\npolicy=p\ndefault_md=sha256\nunique_subject=no\n[p]\ncommonName=supplied\n' \
        "$d" "$d" "$d" >"$d/ca-db/ca.cnf"
      openssl ca -batch -notext -config "$d/ca-db/ca.cnf" -cert "$d/ca.pem" -keyfile "$d/ca.key" -in "$d/$name.csr" \
        -startdate 20200101000000Z -enddate 20200201000000Z -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
    else
      openssl x509 -req -in "$d/$name.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
        -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
    fi
    cat "$d/$name.key" "$d/$name.pem" "$d/ca.pem" >"$d/$name.chain"   # key, leaf, CA (Postfix chain file)
  done
  # one certificate for every policy host mta-sts.<domain> (nginx presents it for each server_name)
  local sts sans=""
  for sts in "${STS_POLICIES[@]}"; do sans+="${sans:+,}DNS:mta-sts.$(sts_domain "${sts%%|*}")"; done
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=mta-sts policy hosts" \
    -keyout "$d/mta-sts.key" -out "$d/mta-sts.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' \
    "$sans" >"$d/mta-sts.ext"
  openssl x509 -req -in "$d/mta-sts.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
    -extfile "$d/mta-sts.ext" -out "$d/mta-sts.pem" 2>/dev/null
  cat "$d/mta-sts.pem" "$d/ca.pem" >"$d/mta-sts.fullchain"
  make_dualkey_certs
  make_pair_certs
  chmod 600 "$d"/*.key "$d"/*.chain
}

make_pair_certs() { # the pair host's certificate (both names) and the next one, from the lab CA
  local d="$LAB_DIR/pki" mx mx2 n
  IFS='|' read -r _ mx _ mx2 <<<"$PAIR"
  printf 'subjectAltName=DNS:%s,DNS:%s\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' \
    "$mx" "$mx2" >"$d/pair.ext"
  for n in pair pair-next; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$mx" -keyout "$d/$n.key" \
      -out "$d/$n.csr" 2>/dev/null
    openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
      -extfile "$d/pair.ext" -out "$d/$n.pem" 2>/dev/null
    cat "$d/$n.pem" "$d/ca.pem" >"$d/$n.fullchain"   # what an ACME client writes: leaf, then its CA
  done
  cat "$d/pair.key" "$d/pair.pem" "$d/ca.pem" >"$d/pair.chain"
}

make_dualkey_certs() { # an ECDSA and an RSA leaf for the dualkey host, each with its Postfix chain file
  local d="$LAB_DIR/pki" mx alg
  IFS='|' read -r _ mx _ <<<"$DUALKEY"
  printf 'subjectAltName=DNS:%s\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' \
    "$mx" >"$d/dualkey.ext"
  for alg in ec rsa; do
    if [ $alg = ec ]; then openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out "$d/dualkey-$alg.key" 2>/dev/null
    else openssl genpkey -algorithm rsa -pkeyopt rsa_keygen_bits:2048 -out "$d/dualkey-$alg.key" 2>/dev/null; fi
    openssl req -new -key "$d/dualkey-$alg.key" -subj "/CN=$mx" -out "$d/dualkey-$alg.csr" 2>/dev/null
    openssl x509 -req -in "$d/dualkey-$alg.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 30 \
      -extfile "$d/dualkey.ext" -out "$d/dualkey-$alg.pem" 2>/dev/null
    cat "$d/dualkey-$alg.key" "$d/dualkey-$alg.pem" "$d/ca.pem" >"$d/dualkey-$alg.chain"
  done
}

sts_domain() { # scenario name -> its recipient domain
  local s name dom
  for s in "${SCENARIOS[@]}"; do IFS='|' read -r name dom _ <<<"$s"; [ "$name" = "$1" ] && { echo "$dom"; return 0; }; done
  return 1
}

insecure_target() { local h=${1%.sec.test}; echo "$h.insecure.test"; }   # mx.x.sec.test -> mx.x.insecure.test

spki_sha256() { openssl pkey -pubout -outform DER ${2:-} -in "$1" 2>/dev/null | openssl dgst -sha256 -r | cut -d' ' -f1; }
cert_spki_sha256() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | openssl dgst -sha256 -r | cut -d' ' -f1; }

tlsa_rrs() { # name kind owner -> TLSA lines
  local name=$1 kind=$2 owner=$3 d="$LAB_DIR/pki"
  case "$kind" in
    ee|ee-notls|ee-expired|cname-ee|ee-expsig) echo "$owner 300 IN TLSA 3 1 1 $(cert_spki_sha256 "$d/$name.pem")" ;;
    ta|ta-wrongname|ta-cname-insecure) echo "$owner 300 IN TLSA 2 1 1 $(cert_spki_sha256 "$d/ca.pem")" ;;
    rollover)
      echo "$owner 300 IN TLSA 3 1 1 $(spki_sha256 "$d/other.key")"
      echo "$owner 300 IN TLSA 3 1 1 $(cert_spki_sha256 "$d/$name.pem")" ;;
    bad) echo "$owner 300 IN TLSA 3 1 1 $(spki_sha256 "$d/other.key")" ;;
    unusable)   # PKIX usages 0 and 1 (unusable for SMTP) that would even match, and an unknown usage 4
      echo "$owner 300 IN TLSA 1 1 1 $(cert_spki_sha256 "$d/$name.pem")"
      echo "$owner 300 IN TLSA 0 1 1 $(cert_spki_sha256 "$d/ca.pem")"
      echo "$owner 300 IN TLSA 4 1 1 $(cert_spki_sha256 "$d/$name.pem")" ;;
    nodata) echo "$owner 300 IN TXT \"no TLSA here, so TLSA is NODATA, not NXDOMAIN\"" ;;
    none|servfail) : ;;
  esac
}

# ---------------------------------------------------------------- zones
soa() { echo "$1 300 IN SOA ns.$2 hostmaster.$2 2026010101 3600 600 86400 300"; }

make_zones() {
  local z="$LAB_DIR/zones"
  mkdir -p "$z"
  local s name dom mx ip kind zone
  for zone in sec.test n3.test insecure.test; do
    { soa "$zone." "$zone."; echo "$zone. 300 IN NS ns.$zone."; echo "ns.$zone. 300 IN A $NSD_IP"; } >"$z/$zone.zone"
  done
  local hzone host child
  for s in "${SCENARIOS[@]}"; do
    IFS='|' read -r name dom mx ip kind <<<"$s"
    zone="${dom#*.}"; hzone="${mx#*.*.}"; host=$mx
    echo "$dom. 300 IN MX 10 $mx." >>"$z/$zone.zone"
    case "$kind" in
      cname-ee) host="real.${mx#mx.}"; echo "$mx. 300 IN CNAME $host." >>"$z/$hzone.zone" ;;
    esac
    if [ "$kind" = ta-cname-insecure ]; then  # A at the unsigned target, TLSA at the original name
      echo "$mx. 300 IN CNAME $(insecure_target "$mx")." >>"$z/$hzone.zone"
      echo "$(insecure_target "$mx"). 300 IN A $ip" >>"$z/insecure.test.zone"
    else
      echo "$host. 300 IN A $ip" >>"$z/$hzone.zone"
    fi
    case "$kind" in
      ee-expsig)   # the TLSA RRset in a child zone of its own, signed 40 days ago, expired 10 days ago
        child="_tcp.$mx"
        { soa "$child." "$hzone."; echo "$child. 300 IN NS ns.$hzone."; tlsa_rrs "$name" "$kind" "_25._tcp.$mx."; } \
          >"$z/$child.zone"
        sign_zone "$child" "" "$(date -u -d '-10 days' +%Y%m%d%H%M%S)" "$(date -u -d '-40 days' +%Y%m%d%H%M%S)" \
          || return 1
        { echo "$child. 300 IN NS ns.$hzone."; cat "$z/$child.ds"; } >>"$z/$hzone.zone" ;;
      servfail)    # a signed delegation (DS of a key nobody serves) to nsd, which has no such zone
        child="_tcp.$mx"
        ( cd "$z" && key=$(ldns-keygen -a ECDSAP256SHA256 -k "$child.") && ldns-key2ds -n -2 "$key.key" \
          | awk '{ $2=300; print }' >"$child.ds" && rm -f "$key".* ) || return 1
        { echo "$child. 300 IN NS ns.$child."; echo "ns.$child. 300 IN A $LAME_IP"; cat "$z/$child.ds"; } \
          >>"$z/$hzone.zone" ;;
      *) tlsa_rrs "$name" "$kind" "_25._tcp.$host." >>"$z/$hzone.zone" ;;
    esac
  done
  local sts
  for sts in "${STS_POLICIES[@]}"; do   # MTA-STS discovery: the TXT record and the policy host's address
    dom=$(sts_domain "${sts%%|*}")
    printf '_mta-sts.%s. 300 IN TXT "v=STSv1; id=%s;"\nmta-sts.%s. 300 IN A %s\n' "$dom" "$STS_ID" "$dom" "$NGINX_IP" \
      >>"$z/sec.test.zone"
  done
  printf 'multi.sec.test. 300 IN MX 10 mx.mismatch.sec.test.\nmulti.sec.test. 300 IN MX 20 mx.ee.sec.test.\n' \
    >>"$z/sec.test.zone"
  printf 'nullmx.sec.test. 300 IN MX 0 .\n' >>"$z/sec.test.zone"
  # TLS reporting (#14): the mismatch scenario's reports go to a mailbox at ee.sec.test (virtual(8): the one mbox)
  printf '_smtp._tls.mismatch.sec.test. 300 IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@ee.sec.test"\n' >>"$z/sec.test.zone"
  local dk_dom dk_mx dk_ip
  IFS='|' read -r dk_dom dk_mx dk_ip <<<"$DUALKEY"   # dualkey: the ECDSA key's 3 1 1 only
  printf '%s. 300 IN MX 10 %s.\n%s. 300 IN A %s\n_25._tcp.%s. 300 IN TLSA 3 1 1 %s\n' "$dk_dom" "$dk_mx" "$dk_mx" \
    "$dk_ip" "$dk_mx" "$(cert_spki_sha256 "$LAB_DIR/pki/dualkey-ec.pem")" >>"$z/sec.test.zone"
  local p_dom p_mx p_ip p_mx2 p_ee p_ta
  IFS='|' read -r p_dom p_mx p_ip p_mx2 <<<"$PAIR"   # pair: 3 1 1 + 2 1 1; the second name adds the next key's
  p_ee=$(cert_spki_sha256 "$LAB_DIR/pki/pair.pem"); p_ta=$(cert_spki_sha256 "$LAB_DIR/pki/ca.pem")
  printf '%s. 300 IN MX 10 %s.\n%s. 300 IN A %s\n%s. 300 IN A %s\n' "$p_dom" "$p_mx" "$p_mx" "$p_ip" "$p_mx2" "$p_ip" \
    >>"$z/sec.test.zone"
  printf '_25._tcp.%s. 300 IN TLSA 3 1 1 %s\n_25._tcp.%s. 300 IN TLSA 2 1 1 %s\n' "$p_mx" "$p_ee" "$p_mx" "$p_ta" \
    >>"$z/sec.test.zone"
  printf '_25._tcp.%s. 300 IN TLSA 3 1 1 %s\n_25._tcp.%s. 300 IN TLSA 3 1 1 %s\n_25._tcp.%s. 300 IN TLSA 2 1 1 %s\n' \
    "$p_mx2" "$p_ee" "$p_mx2" "$(cert_spki_sha256 "$LAB_DIR/pki/pair-next.pem")" "$p_mx2" "$p_ta" >>"$z/sec.test.zone"
  # sign the leaves: sec.test with NSEC, n3.test with NSEC3 (no opt-out, 0 iterations, no salt)
  sign_zone sec.test "" || return 1
  sign_zone n3.test "-n -t 0" || return 1
  make_weak_zone || return 1
  # corrupt the RRSIG over the bogus scenario's TLSA RRset (flip one base64 character of the signature)
  awk '$1=="_25._tcp.mx.bogus.sec.test." && $4=="RRSIG" && $5=="TLSA" {
         sig=$NF; c=substr(sig,20,1); r=(c=="A")?"B":"A"; $NF=substr(sig,1,19) r substr(sig,21); tampered++ }
       { print } END { if (tampered != 1) exit 3 }' "$z/sec.test.zone.signed" >"$z/sec.test.zone.tmp" \
    || die "could not tamper the bogus RRSIG"
  mv "$z/sec.test.zone.tmp" "$z/sec.test.zone.signed"
  # test.: delegations, DS for the signed ones only (insecure.test. is an insecure delegation)
  {
    soa test. test.; echo "test. 300 IN NS ns.test."; echo "ns.test. 300 IN A $NSD_IP"
    for zone in sec.test n3.test insecure.test; do
      echo "$zone. 300 IN NS ns.$zone."; echo "ns.$zone. 300 IN A $NSD_IP"
    done
    cat "$z/sec.test.ds" "$z/n3.test.ds"
    echo "n3weak.test. 300 IN NS ns.n3weak.test."; echo "ns.n3weak.test. 300 IN A $NSD_IP"; cat "$z/n3weak.test.ds"
  } >"$z/test.zone"
  sign_zone test "" || return 1
  { soa . test.; echo ". 300 IN NS ns.test."; echo "test. 300 IN NS ns.test."; echo "ns.test. 300 IN A $NSD_IP"
    cat "$z/test.ds"; } >"$z/root.zone"
  sign_zone root "" || return 1
  cp "$z/root.ds" "$LAB_DIR/root.anchor"
  printf '. 3600000 IN NS ns.test.\nns.test. 3600000 IN A %s\n' "$NSD_IP" >"$LAB_DIR/root.hints"
}

# n3weak.test. (#16, the DNSSEC lint of dane4j check): the ee scenario's host again (127.25.0.21, its 3 1 1), in a
# zone signed with NSEC3 10 iterations and a salt and delegated from test. with a SHA-1 DS only. DANE still works
# (unbound accepts both); dane4j check flags NSEC3_ITERATIONS, NSEC3_SALT and DS_DIGEST_MUST_NOT.
make_weak_zone() {
  local z="$LAB_DIR/zones" key
  { soa n3weak.test. n3weak.test.; echo "n3weak.test. 300 IN NS ns.n3weak.test."; echo "ns.n3weak.test. 300 IN A $NSD_IP"
    echo "n3weak.test. 300 IN MX 10 mx.n3weak.test."; echo "mx.n3weak.test. 300 IN A 127.25.0.21"
    tlsa_rrs ee ee "_25._tcp.mx.n3weak.test."; } >"$z/n3weak.test.zone"
  sign_zone n3weak.test "-n -t 10 -s aabbccdd" || return 1
  key=$(ls "$z"/Kn3weak.test.+*.key | head -1)
  ldns-key2ds -n -1 "$key" | awk '{ $2=300; print }' >"$z/n3weak.test.ds"
  grep -q ' DS .* 1 [0-9a-fA-F]*$' "$z/n3weak.test.ds" || { echo "no SHA-1 DS for n3weak.test." >&2; return 1; }
}

sign_zone() { # zone-file-base extra-ldns-signzone-options [expiration inception]
  local base=$1 opts=$2 z="$LAB_DIR/zones" origin key
  local exp=${3:-$(date -u -d '+20 days' +%Y%m%d%H%M%S)} inc=${4:-$(date -u -d '-1 day' +%Y%m%d%H%M%S)}
  origin="$base."; [ "$base" = root ] && origin=.
  ( cd "$z"
    key=$(ldns-keygen -a ECDSAP256SHA256 -k "$origin")     # one CSK (SEP flag) per zone
    rm -f "$key.ds"
    # shellcheck disable=SC2086
    ldns-signzone $opts -e "$exp" -i "$inc" \
      -o "$origin" "$base.zone" "$key"
    ldns-key2ds -n -2 "$key.key" | awk '{ $2=300; print }' >"$base.ds" ) || return 1
  [ -s "$z/$base.zone.signed" ] && [ -s "$z/$base.ds" ] || { echo "signing $origin failed" >&2; return 1; }
}

# ---------------------------------------------------------------- daemons
start_nsd() {
  local c="$LAB_DIR/nsd.conf"
  cat >"$c" <<EOF
server:
  ip-address: $NSD_IP@53
  do-ip6: no
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "$LAB_DIR/zones"
  database: ""
  zonelistfile: "$LAB_DIR/nsd.zonelist"
  xfrdfile: "$LAB_DIR/nsd.xfrd"
  xfrdir: "$LAB_DIR"
  pidfile: "$LAB_DIR/nsd.pid"
  logfile: "$LAB_DIR/nsd.log"
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: "."
  zonefile: "root.zone.signed"
zone:
  name: "test."
  zonefile: "test.zone.signed"
zone:
  name: "sec.test."
  zonefile: "sec.test.zone.signed"
zone:
  name: "n3.test."
  zonefile: "n3.test.zone.signed"
zone:
  name: "insecure.test."
  zonefile: "insecure.test.zone"
zone:
  name: "n3weak.test."
  zonefile: "n3weak.test.zone.signed"
zone:
  name: "_tcp.mx.expsig.sec.test."
  zonefile: "_tcp.mx.expsig.sec.test.zone.signed"
EOF
  nsd-checkconf "$c" || die "nsd.conf invalid"
  nsd -c "$c" || die "nsd did not start (see $LAB_DIR/nsd.log)"
  wait_pidfile "$LAB_DIR/nsd.pid" nsd
}

start_unbound() {
  local c="$LAB_DIR/unbound.conf"
  cat >"$c" <<EOF
server:
  interface: $UNBOUND_IP@53
  port: 53
  do-ip6: no
  do-daemonize: yes
  username: ""
  chroot: ""
  directory: "$LAB_DIR"
  pidfile: "$LAB_DIR/unbound.pid"
  logfile: "$LAB_DIR/unbound.log"
  use-syslog: no
  verbosity: 1
  val-log-level: 2
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  root-hints: "$LAB_DIR/root.hints"
  trust-anchor-file: "$LAB_DIR/root.anchor"
  local-zone: "test." nodefault
  module-config: "validator iterator"
  num-threads: 1
  prefetch: no
  aggressive-nsec: no
  serve-expired: no
remote-control:
  control-enable: no
EOF
  unbound-checkconf "$c" >/dev/null || die "unbound.conf invalid"
  unbound -c "$c" || die "unbound did not start (see $LAB_DIR/unbound.log)"
  wait_pidfile "$LAB_DIR/unbound.pid" unbound
}

start_postfix() {
  local p="$LAB_DIR/postfix" s name dom mx ip kind
  mkdir -p "$p/etc" "$p/spool" "$p/data" "$LAB_DIR/mail"
  chown nobody:nogroup "$LAB_DIR/mail"
  chown postfix:postfix "$p/data"
  cat >"$p/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $p/spool
data_directory = $p/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = sink.interop.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
in_flow_delay = 0
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP dane4j-interop
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_chain_files = $LAB_DIR/pki/ee.chain
virtual_mailbox_domains = static:all
virtual_mailbox_base = $LAB_DIR/mail
virtual_mailbox_maps = static:inbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
maillog_file_prefixes = $LAB_DIR
maillog_file = $LAB_DIR/postfix.log
biff = no
alias_maps =
alias_database =
local_recipient_maps =
smtputf8_enable = yes
EOF
  # master.cf: the packaged services, minus the default smtpd, plus one listener per MX host
  grep -v -E '^(smtp +inet|#)' /usr/share/postfix/master.cf.dist >"$p/etc/master.cf"
  grep -q '^postlog' "$p/etc/master.cf" || echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >>"$p/etc/master.cf"
  for s in "${SCENARIOS[@]}"; do
    IFS='|' read -r name dom mx ip kind <<<"$s"
    printf '%s:25 inet n - n - - smtpd\n  -o myhostname=%s\n  -o smtpd_tls_chain_files=%s\n' \
      "$ip" "$mx" "$LAB_DIR/pki/$name.chain" >>"$p/etc/master.cf"
    [ "$kind" = ee-notls ] && printf '  -o smtpd_tls_security_level=none\n' >>"$p/etc/master.cf"
  done
  IFS='|' read -r dom mx ip <<<"$DUALKEY"   # two certificates on one listener (Postfix >= 3.4)
  printf '%s:25 inet n - n - - smtpd\n  -o myhostname=%s\n  -o smtpd_tls_chain_files=%s,%s\n' "$ip" "$mx" \
    "$LAB_DIR/pki/dualkey-ec.chain" "$LAB_DIR/pki/dualkey-rsa.chain" >>"$p/etc/master.cf"
  IFS='|' read -r dom mx ip _ <<<"$PAIR"
  printf '%s:25 inet n - n - - smtpd\n  -o myhostname=%s\n  -o smtpd_tls_chain_files=%s\n' "$ip" "$mx" \
    "$LAB_DIR/pki/pair.chain" >>"$p/etc/master.cf"
  postfix -c "$p/etc" start >"$LAB_DIR/postfix-start.log" 2>&1 || { cat "$LAB_DIR/postfix-start.log" >&2; die "postfix did not start"; }
  wait_pidfile "$p/spool/pid/master.pid" postfix
  cp "$p/spool/pid/master.pid" "$LAB_DIR/postfix.pid"
}

start_nginx() {
  local n="$LAB_DIR/nginx" sts name mode patterns serve dom type p
  mkdir -p "$n/temp" "$n/www"
  { cat <<EOF
daemon on;
user nobody nogroup;
worker_processes 1;
pid $LAB_DIR/nginx.pid;
error_log $LAB_DIR/nginx-error.log info;
events { worker_connections 64; }
http {
  access_log $LAB_DIR/nginx-access.log;
  client_body_temp_path $n/temp/body;
  proxy_temp_path $n/temp/proxy;
  fastcgi_temp_path $n/temp/fastcgi;
  uwsgi_temp_path $n/temp/uwsgi;
  scgi_temp_path $n/temp/scgi;
  types { }
  ssl_certificate $LAB_DIR/pki/mta-sts.fullchain;
  ssl_certificate_key $LAB_DIR/pki/mta-sts.key;
  ssl_protocols TLSv1.2 TLSv1.3;
  server {
    listen $NGINX_IP:443 ssl default_server;
    server_name _;
    return 421;
  }
EOF
    for sts in "${STS_POLICIES[@]}"; do
      IFS='|' read -r name mode patterns serve <<<"$sts"
      dom=$(sts_domain "$name")
      mkdir -p "$n/www/$dom/.well-known"
      if [ "$serve" != 404 ]; then
        { printf 'version: STSv1\r\nmode: %s\r\n' "$mode"
          for p in ${patterns//,/ }; do printf 'mx: %s\r\n' "$p"; done
          printf 'max_age: 86400\r\n'; } >"$n/www/$dom/.well-known/mta-sts.txt"
      fi
      type=text/plain; [ "$serve" = html ] && type=text/html
      printf '  server {\n    listen %s:443 ssl;\n    server_name mta-sts.%s;\n    root %s;\n    default_type %s;\n  }\n' \
        "$NGINX_IP" "$dom" "$n/www/$dom" "$type"
    done
    echo "}"
  } >"$n/nginx.conf"
  chmod -R a+rX "$n/www"
  nginx -t -q -c "$n/nginx.conf" -p "$n/" || die "nginx.conf invalid"
  nginx -c "$n/nginx.conf" -p "$n/" || die "nginx did not start (see $LAB_DIR/nginx-error.log)"
  wait_pidfile "$LAB_DIR/nginx.pid" nginx
}

wait_pidfile() { # file what
  local i
  for i in $(seq 1 50); do
    if [ -s "$1" ] && kill -0 "$(tr -dc 0-9 <"$1")" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "$2 did not write a live PID to $1"
}

check_up() {
  local s name dom mx ip kind out
  out=$(dig +tries=2 +time=3 @"$UNBOUND_IP" ee.sec.test MX +dnssec +multi) || die "unbound does not answer"
  grep -q 'flags:.* ad' <<<"$out" || { echo "$out" >&2; die "ee.sec.test MX is not validated (no AD) by unbound"; }
  out=$(dig +tries=2 +time=3 @"$UNBOUND_IP" _25._tcp.mx.bogus.sec.test TLSA) || true
  grep -q 'status: SERVFAIL' <<<"$out" || { echo "$out" >&2; die "the bogus TLSA RRset is not SERVFAIL"; }
  for s in expsig servfail; do
    out=$(dig +tries=1 +time=8 @"$UNBOUND_IP" "_25._tcp.mx.$s.sec.test" TLSA) || true
    grep -q 'status: SERVFAIL' <<<"$out" || { echo "$out" >&2; die "the $s TLSA RRset is not SERVFAIL"; }
  done
  out=$(dig +tries=2 +time=3 @"$UNBOUND_IP" nullmx.sec.test MX) || die "unbound does not answer nullmx.sec.test MX"
  grep -q 'flags:.* ad' <<<"$out" && grep -q 'IN.MX.0 \.$' <<<"$out" || { echo "$out" >&2; die "no secure null MX"; }
  for s in "${SCENARIOS[@]}"; do
    IFS='|' read -r name dom mx ip kind <<<"$s"
    out=$(dig +tries=2 +time=3 @"$UNBOUND_IP" "$dom" MX) || die "unbound does not answer $dom MX"
    grep -q 'status: NOERROR' <<<"$out" && grep -q "IN.MX.10 $mx" <<<"$out" || { echo "$out" >&2; die "$dom MX does not resolve"; }
    case "$dom" in *.insecure.test) grep -q 'flags:.* ad' <<<"$out" && die "$dom MX should be insecure" ;;
                   *) grep -q 'flags:.* ad' <<<"$out" || die "$dom MX is not validated (no AD)" ;; esac
    timeout 5 bash -c "exec 3<>/dev/tcp/$ip/25 && head -c 3 <&3" | grep -q 220 || die "no SMTP banner on $ip:25"
  done
  IFS='|' read -r dom mx ip <<<"$DUALKEY"
  timeout 5 bash -c "exec 3<>/dev/tcp/$ip/25 && head -c 3 <&3" | grep -q 220 || die "no SMTP banner on $ip:25 (dualkey)"
  IFS='|' read -r dom mx ip _ <<<"$PAIR"
  timeout 5 bash -c "exec 3<>/dev/tcp/$ip/25 && head -c 3 <&3" | grep -q 220 || die "no SMTP banner on $ip:25 (pair)"
  local sts mode patterns serve code want
  for sts in "${STS_POLICIES[@]}"; do
    IFS='|' read -r name mode patterns serve <<<"$sts"
    dom=$(sts_domain "$name")
    out=$(dig +tries=2 +time=3 @"$UNBOUND_IP" "_mta-sts.$dom" TXT) || die "unbound does not answer _mta-sts.$dom TXT"
    grep -q 'flags:.* ad' <<<"$out" && grep -q "v=STSv1; id=$STS_ID;" <<<"$out" || { echo "$out" >&2; die "no secure _mta-sts.$dom TXT"; }
    code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 5 --cacert "$LAB_DIR/pki/ca.pem" \
      --resolve "mta-sts.$dom:443:$NGINX_IP" "https://mta-sts.$dom/.well-known/mta-sts.txt") || true
    case "$serve" in ok) want="200 text/plain" ;; html) want="200 text/html" ;; 404) want="404 text/html" ;; esac
    [ "$code" = "$want" ] || die "https://mta-sts.$dom/.well-known/mta-sts.txt gave '$code', expected '$want'"
  done
}

write_env() {
  { echo "lab.dir=$LAB_DIR"
    echo "unbound=$UNBOUND_IP"
    echo "nsd=$NSD_IP"
    echo "trust.anchor=$LAB_DIR/root.anchor"
    echo "mailbox=$LAB_DIR/mail/inbox"
    echo "resolv.conf=$LAB_DIR/resolv.conf"
    echo "ca=$LAB_DIR/pki/ca.pem"
    echo "nginx=$NGINX_IP"
    local s name dom mx ip kind
    for s in "${SCENARIOS[@]}"; do
      IFS='|' read -r name dom mx ip kind <<<"$s"
      echo "scenario.$name=$dom $mx $ip $kind"
    done
    IFS='|' read -r dom mx ip <<<"$DUALKEY"
    echo "dualkey=$dom $mx $ip"
    IFS='|' read -r dom mx ip kind <<<"$PAIR"
    echo "pair=$dom $mx $ip $kind"
    local mode patterns serve
    for s in "${STS_POLICIES[@]}"; do
      IFS='|' read -r name mode patterns serve <<<"$s"
      echo "sts.$name=$(sts_domain "$name") $mode $patterns $serve"
    done
  } >"$LAB_DIR/lab.env.tmp"
  printf 'nameserver %s\noptions trust-ad edns0 attempts:2 timeout:3\n' "$UNBOUND_IP" >"$LAB_DIR/resolv.conf"
  mv "$LAB_DIR/lab.env.tmp" "$LAB_DIR/lab.env"
}

stop_pid() { # pidfile what
  local f=$1 pid i
  [ -s "$f" ] || return 0
  pid=$(tr -dc 0-9 <"$f")
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    log "stopped $2 ($pid)"
  fi
}

down() {
  [ -d "$LAB_DIR" ] || { log "down: nothing to do"; return 0; }
  if [ -s "$LAB_DIR/postfix.pid" ] && kill -0 "$(tr -dc 0-9 <"$LAB_DIR/postfix.pid")" 2>/dev/null; then
    postfix -c "$LAB_DIR/postfix/etc" stop >/dev/null 2>&1 || true    # master stops its own children
  fi
  stop_pid "$LAB_DIR/postfix.pid" postfix
  stop_pid "$LAB_DIR/nginx.pid" nginx
  stop_pid "$LAB_DIR/unbound.pid" unbound
  stop_pid "$LAB_DIR/nsd.pid" nsd
  rm -rf "$LAB_DIR"
  log "down: removed $LAB_DIR"
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root (apt-get, port 25/53 on loopback)"
  if [ -s "$LAB_DIR/lab.env" ] && check_up 2>/dev/null; then log "up: already running ($LAB_DIR)"; return 0; fi
  down    # a half-started lab from an earlier run
  install_packages
  mkdir -p "$LAB_DIR"
  make_certs
  make_zones >"$LAB_DIR/sign.log" 2>&1 || { cat "$LAB_DIR/sign.log" >&2; die "zone signing failed"; }
  start_nsd
  start_unbound
  start_postfix
  start_nginx
  write_env
  check_up
  log "up: nsd $NSD_IP:53, unbound $UNBOUND_IP:53, postfix 127.25.0.21-44:25, nginx $NGINX_IP:443; env in $LAB_DIR/lab.env"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) [ -s "$LAB_DIR/lab.env" ] && check_up && echo up || { echo down; exit 1; } ;;
  *) echo "usage: $0 up|down|status" >&2; exit 64 ;;
esac
