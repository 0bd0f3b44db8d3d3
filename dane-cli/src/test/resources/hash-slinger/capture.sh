#!/usr/bin/env bash
# Regenerates the *.transcript files of this directory by running hash-slinger's own `tlsa`
# (Debian 12 package hash-slinger 3.1-1.1+deb12u1: apt-get install hash-slinger). Offline: every case
# passes --certificate, so tlsa neither resolves nor connects.
#
# Each case is recorded as a line "$ tlsa --create ARGS" followed by exactly what
#     printf '\n\n\n' | tlsa --create ARGS
# wrote to stdout (its stderr stays empty for these cases). The newlines answer the "[y/N]" prompt that
# tlsa shows for every certificate but the last of a chain under usage 0 and 2 with Enter ("no"), so it
# takes the last certificate, which is what `dane4j tlsa create` does without prompting.
#
# The PEM files are fixed test data, made once with `openssl req -x509` / `openssl x509 -req`
# (EC P-256 self-signed; RSA leaf <- EC P-384 issuing CA <- RSA root; Ed25519 with an unusual subject;
# broken-chain.pem = the RSA leaf followed by the root, skipping the issuing CA).
set -euo pipefail
cd "$(dirname "$0")"

case_() { # transcript-file, tlsa arguments...
  local out=$1
  shift
  printf '$ tlsa --create %s\n' "$*" >>"$out"
  printf '\n\n\n' | tlsa --create "$@" >>"$out"
}

rm -f ./*.transcript ./*.out

t=ec-p256-self-signed.transcript c=ec-p256-self-signed.pem
case_ $t --certificate $c mail.example.nl
for usage in 1 2 3; do
  for selector in 0 1; do
    for mtype in 0 1 2; do
      for output in rfc generic; do
        case_ $t --port 25 --usage $usage --selector $selector --mtype $mtype --output $output --certificate $c mail.example.nl
      done
    done
  done
done
case_ $t -p 25 -u 3 -s 1 -m 1 -o both --certificate $c mail.example.nl
case_ $t --port '*' --protocol udp --selector 1 --certificate $c mail.example.nl
case_ $t --protocol sctp --port 5061 -u 2 --certificate $c sip.example.nl
case_ $t --port 25 --certificate $c mail.example.nl.
case_ $t --port 25 -s 1 --certificate $c bücher.example

t=rsa-chain.transcript c=rsa-chain.pem
case_ $t --certificate $c mx.example.nl
for usage in 1 2 3; do
  for selector in 0 1; do
    for mtype in 1 2; do
      case_ $t --port 25 --usage $usage --selector $selector --mtype $mtype --certificate $c mx.example.nl
    done
  done
done
case_ $t --port 25 -u 3 -s 1 -m 1 -o generic --certificate $c mx.example.nl
case_ $t --port 25 -u 2 -s 1 -m 1 -o generic --certificate $c mx.example.nl
case_ $t --port 25 -u 2 -s 0 -m 0 -o generic --certificate $c mx.example.nl
case_ $t --port 25 -u 2 -s 1 -m 1 -o both --certificate $c mx.example.nl

t=ed25519-exotic-subject.transcript c=ed25519-exotic-subject.pem
for selector in 0 1; do
  for mtype in 0 1 2; do
    for output in rfc generic; do
      case_ $t --port 25 --usage 3 --selector $selector --mtype $mtype --output $output --certificate $c mx.example.nl
    done
  done
done
case_ $t --port 25 -u 2 -s 1 --certificate $c mx.example.nl

t=broken-chain.transcript c=broken-chain.pem
case_ $t --port 25 -s 1 --certificate $c mx.example.nl
case_ $t --port 25 -u 2 -s 1 --certificate $c mx.example.nl

# Answering "n" then "y" makes tlsa take the second certificate (the issuing CA): `--ca-depth 1` for us.
printf 'n\ny\n' | tlsa --create --port 25 -u 2 -s 1 --certificate rsa-chain.pem mx.example.nl \
  >rsa-chain.answer-n-y.out
