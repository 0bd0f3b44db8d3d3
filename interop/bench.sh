#!/usr/bin/env bash
# dane4j interop benchmark: Postfix's own smtp(8) as a DANE sender (the baseline) against dane4j's senders,
# delivering the same messages to the lab's receiving Postfix, which discards them at end-of-DATA.
#
#   sudo interop/bench.sh                      # N=2000 messages per sender and domain, 3 rounds, ~25 min
#   sudo N=200 RUNS=1 interop/bench.sh         # a quick run
#
# Parameters (environment): N (messages per measurement, 2000), RUNS (rounds; the report takes the median, 3),
# WARMUP (messages each Java sender sends before it is measured, 2000), DOMAINS ("ee.sec.test ta.sec.test":
# the lab's 3 1 1 and 2 1 1 domains), SENDERS (the dane4j senders, see java_sender1; a sender may carry
# LabBench options after a colon: "client-jdk:threads=2,conns=20"), LATENCY_SAMPLES (20),
# LATENCY_COLD (5), STALL_SAMPLES (20 connections per mode of interop/stall-probe.py), JAVA_OPTS, BENCH_PREPEND (class path entries put first: to measure older classes),
# JAVA_BIN (the java that runs dane4j's senders, default: java on the PATH), BENCH_TAG (a word put into every result label), OUT (results file, dane-interop/target/bench-results.txt),
# VARIANTS (e.g. "before=/tmp/old/netty:/tmp/old/jm after=": every Java measurement runs once per variant,
# back to back, with that variant's class path entries put first and its name in the label), BENCH_SKIP_BUILD
# (set: use the classes and dane-interop/target/bench.cp of the last build as they are).
#
# It builds dane-interop's test classes first (mvn, offline), then holds /tmp/dane4j-lab.lock while the lab
# is up: interop/lab.sh up; reconfigures the receiving Postfix to discard at end-of-DATA
# (smtpd_end_of_data_restrictions = check_client_access static:discard); starts a second Postfix instance,
# the sender, in $LAB_DIR/sender (no listener; smtp_tls_security_level = dane, smtp_dns_support_level =
# dnssec, in a private mount namespace whose /etc/resolv.conf is the lab's, so it asks unbound); runs every
# sender once per round, interleaved; then interop/lab.sh down. See interop/README.md, "Benchmark".
set -euo pipefail

HERE="${DANE4J_BENCH_HERE:-$(cd "$(dirname "$0")" && pwd)}"
if [ -z "${DANE4J_BENCH_HERE:-}" ]; then   # run a copy: bash reads a script while it runs, so edits would break it
  copy=$(mktemp "${TMPDIR:-/tmp}/dane4j-bench.XXXXXX")
  cp "$0" "$copy"
  DANE4J_BENCH_HERE="$HERE" exec bash "$copy" "$@"
fi
ROOT="$(cd "$HERE/.." && pwd)"
LAB_DIR="${DANE4J_LAB_DIR:-/tmp/dane4j-interop}"
S="$LAB_DIR/sender"
N=${N:-2000}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-2000}
DOMAINS=${DOMAINS:-"ee.sec.test ta.sec.test"}
SENDERS=${SENDERS:-"client-jdk client-openssl mailer client-jdk-reuse client-openssl-reuse"}
LATENCY_SAMPLES=${LATENCY_SAMPLES:-20}
LATENCY_COLD=${LATENCY_COLD:-5}
OUT=${OUT:-$ROOT/dane-interop/target/bench-results.txt}
TAG=${BENCH_TAG:-}
CLK_TCK=$(getconf CLK_TCK)

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers usable while the lab is up
restart_unbound() { # empties unbound's cache: stop it, start it again with the lab's configuration
  local pid i
  pid=$(tr -dc 0-9 <"$LAB_DIR/unbound.pid")
  kill "$pid"
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  rm -f "$LAB_DIR/unbound.pid"
  unbound -c "$LAB_DIR/unbound.conf"
  for i in $(seq 1 100); do
    [ -s "$LAB_DIR/unbound.pid" ] && dig +norec +tries=1 +time=1 @127.53.0.3 . NS >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  die "unbound did not come back"
}

case "${1:-run}" in
  restart-unbound) restart_unbound; exit 0 ;;
  run) ;;
  *) echo "usage: $0 [run|restart-unbound]" >&2; exit 64 ;;
esac

[ "$(id -u)" = 0 ] || die "run as root (the lab, a second Postfix instance, a mount namespace)"

# ---------------------------------------------------------------- build (before the lab lock)
[ -n "${BENCH_SKIP_BUILD:-}" ] || log "building dane-interop's test classes"
[ -n "${BENCH_SKIP_BUILD:-}" ] || ( cd "$ROOT" && mvn -B -ntp -q -o -Pinterop test-compile dependency:build-classpath -pl dane-interop -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp ) || die "build failed"
CP="$ROOT/dane-interop/target/test-classes:$ROOT/dane-interop/target/classes:$(cat "$ROOT/dane-interop/target/bench.cp")"
[ -n "${BENCH_PREPEND:-}" ] && CP="$BENCH_PREPEND:$CP"
mkdir -p "$(dirname "$OUT")"

# ---------------------------------------------------------------- the sending Postfix
P="$LAB_DIR/postfix/etc"
pf_receiver_discard() {
  postconf -c "$P" -e 'smtpd_end_of_data_restrictions = check_client_access static:discard'
  postfix -c "$P" reload >/dev/null 2>&1
}

sender_up() {
  mkdir -p "$S/etc" "$S/spool" "$S/data"
  chown postfix:postfix "$S/data"
  cat >"$S/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $S/spool
data_directory = $S/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = all
master_service_disable = inet
myhostname = client.interop.test
mydestination =
relayhost =
alias_maps =
alias_database =
local_recipient_maps =
biff = no
maillog_file_prefixes = $LAB_DIR
maillog_file = $S/postfix.log
smtp_dns_support_level = dnssec
smtp_tls_security_level = dane
smtp_tls_loglevel = 1
smtp_tls_connection_reuse = no
delay_logging_resolution_limit = 6
max_use = 100000
max_idle = 3600
header_checks =
EOF
  # the packaged services without the smtpd listener, nothing chrooted (the instance reads /etc/resolv.conf),
  # plus tlsproxy for smtp_tls_connection_reuse
  grep -v -E '^(smtp +inet|#)' /usr/share/postfix/master.cf.dist \
    | awk '/^[a-z]/ && NF >= 8 { $5 = "n" } { print }' >"$S/etc/master.cf"
  grep -q '^postlog' "$S/etc/master.cf" || echo 'postlog   unix-dgram n  -       n       -       1       postlogd' >>"$S/etc/master.cf"
  echo 'tlsproxy  unix  -       -       n       -       0       tlsproxy' >>"$S/etc/master.cf"
  unshare -m --propagation private sh -c "mount --bind '$LAB_DIR/resolv.conf' /etc/resolv.conf && postfix -c '$S/etc' start" \
    >"$S/start.log" 2>&1 || { cat "$S/start.log" >&2; die "the sending Postfix did not start"; }
  local i
  for i in $(seq 1 50); do [ -s "$S/spool/pid/master.pid" ] && break; sleep 0.1; done
  SMASTER=$(tr -dc 0-9 <"$S/spool/pid/master.pid")
  kill -0 "$SMASTER" || die "no sending Postfix master"
}

sender_down() {
  [ -d "$S/etc" ] && postfix -c "$S/etc" stop >/dev/null 2>&1 || true
}

sender_set() { # name=value ... then reload
  local kv
  for kv in "$@"; do postconf -c "$S/etc" -e "$kv"; done
  postfix -c "$S/etc" reload >/dev/null 2>&1
  sleep 1
}

queued() { find "$S/spool/incoming" "$S/spool/active" "$S/spool/deferred" "$S/spool/maildrop" -type f 2>/dev/null | wc -l; }
held() { find "$S/spool/hold" -type f 2>/dev/null | wc -l; }

# CPU ticks (utime+stime) of the sending instance (or of the instance whose master pid is $1): the master,
# its live children, and (cutime+cstime of the master) its children that exited. Second value: the live smtp
# and tlsproxy processes alone.
pf_cpu() {
  local all=0 smtp=0 pid f comm master=${1:-$SMASTER}
  for pid in $(pgrep -P "$master") "$master"; do
    f=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    comm=${f#*(}; comm=${comm%%)*}
    set -- ${f##*) }
    all=$((all + ${12} + ${13}))
    [ "$pid" = "$master" ] && all=$((all + ${14} + ${15}))
    case "$comm" in smtp|tlsproxy) smtp=$((smtp + ${12} + ${13})) ;; esac
  done
  echo "$all $smtp"
}

message() { # rcpt
  printf 'From: <bench@client.interop.test>\nTo: <%s>\nSubject: bench %s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n' "$1" "$1"
  local i; for i in $(seq 1 25); do echo 'The quick brown fox jumps over the lazy dog, DANE benchmark filler text 0123456'; done
}

inject() { # domain count prefix
  local i
  for i in $(seq 1 "$2"); do message "$3$i@$1" >"$S/msg.$i"; done
  seq 1 "$2" | xargs -P 4 -I{} sh -c "sendmail -C '$S/etc' -f bench@client.interop.test '$3{}@$1' <'$S/msg.{}'"
  rm -f "$S"/msg.*
}

pf_throughput() { # label domain n
  local label=$1 dom=$2 n=$3 i t0 t1 c0 c1 ca cs
  sender_set 'header_checks = static:HOLD'
  read -r c0 _ < <(pf_cpu)
  inject "$dom" "$n" "p$RANDOM-"
  for i in $(seq 1 600); do [ "$(queued)" = 0 ] && [ "$(held)" -ge "$n" ] && break; sleep 0.1; done
  [ "$(held)" -ge "$n" ] || die "only $(held) of $n messages reached the hold queue"
  read -r c1 _ < <(pf_cpu)
  local inject_ms=$(( (c1 - c0) * 1000 / CLK_TCK ))
  local sent0; sent0=$(grep -c 'status=sent' "$S/postfix.log" || true)
  read -r ca cs < <(pf_cpu)
  read -r ra _ < <(pf_cpu "$RMASTER")
  t0=$(date +%s%N)
  postsuper -c "$S/etc" -H ALL >/dev/null 2>&1
  postqueue -c "$S/etc" -f
  while [ "$(queued)" != 0 ]; do sleep 0.02; done
  t1=$(date +%s%N)
  read -r c1 cs1 < <(pf_cpu)
  read -r r1 _ < <(pf_cpu "$RMASTER")
  local sent; sent=$(( $(grep -c 'status=sent' "$S/postfix.log") - sent0 ))
  local secs cpu cpus
  secs=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
  cpu=$(( (c1 - ca) * 1000 / CLK_TCK )); cpus=$(( (cs1 - cs) * 1000 / CLK_TCK ))
  printf 'RESULT label=%s domain=%s n=%d seconds=%s msgs_per_s=%s cpu_ms=%d cpu_ms_per_msg=%s smtp_cpu_ms_per_msg=%s inject_cpu_ms_per_msg=%s receiver_cpu_ms_per_msg=%s failed=%d\n' \
    "$label" "$dom" "$n" "$secs" "$(echo "scale=1; $n / $secs" | bc)" "$cpu" "$(echo "scale=3; $cpu / $n" | bc)" \
    "$(echo "scale=3; $cpus / $n" | bc)" "$(echo "scale=3; $inject_ms / $n" | bc)" \
    "$(echo "scale=3; ($r1 - $ra) * 1000 / $CLK_TCK / $n" | bc)" "$((n - sent))" | tee -a "$OUT"
  sender_set 'header_checks ='
}

pf_one() { # domain -> "wall_ms smtp_ms" of one message: wall from the sendmail call to status=sent; smtp = delays c+d
  local dom=$1 rcpt="one$RANDOM$RANDOM@$1" t0 t1 line i
  t0=$(date +%s%N)
  message "$rcpt" | sendmail -C "$S/etc" -f bench@client.interop.test "$rcpt"
  for i in $(seq 1 3000); do
    line=$(grep -F "to=<$rcpt>" "$S/postfix.log" | grep 'status=' || true)
    [ -n "$line" ] && break
    sleep 0.002
  done
  t1=$(date +%s%N)
  grep -q 'status=sent' <<<"$line" || die "Postfix did not send $rcpt: $line"
  local d; d=$(sed -E 's/.*delays=([^,]*),.*/\1/' <<<"$line")
  echo "$(( (t1 - t0) / 1000000 )) $(awk -F/ '{ printf "%.1f", ($3 + $4) * 1000 }' <<<"$d")"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

pf_latency() { # label domain
  local label=$1 dom=$2 i wall=() smtp=() cw=() cs=() w s
  for i in $(seq 1 3); do pf_one "$dom" >/dev/null; done
  for i in $(seq 1 "$LATENCY_SAMPLES"); do read -r w s < <(pf_one "$dom"); wall+=("$w"); smtp+=("$s"); done
  for i in $(seq 1 "$LATENCY_COLD"); do
    restart_unbound
    postfix -c "$S/etc" reload >/dev/null 2>&1; sleep 1     # new smtp processes
    read -r w s < <(pf_one "$dom"); cw+=("$w"); cs+=("$s")
  done
  printf 'RESULT label=%s domain=%s warm_ms=%s cold_ms=%s warm_wall_ms=%s cold_wall_ms=%s warm_all=%s cold_all=%s\n' "$label" "$dom" \
    "$(printf '%s\n' "${smtp[@]}" | median)" "$(printf '%s\n' "${cs[@]}" | median)" \
    "$(printf '%s\n' "${wall[@]}" | median)" "$(printf '%s\n' "${cw[@]}" | median)" \
    "$(IFS=,; echo "${smtp[*]}")" "$(IFS=,; echo "${cs[*]}")" | tee -a "$OUT"
}

java_sender() { # sender-name domain mode -> runs LabBench once per variant
  local v pre
  if [ -z "${VARIANTS:-}" ]; then java_sender1 "$@" "$TAG" "$CP"; return; fi
  for v in $VARIANTS; do pre=${v#*=}; java_sender1 "$@" "${v%%=*}" "${pre:+$pre:}$CP"; done
}

java_sender1() { # sender-name domain mode tag classpath
  local name=${1%%:*} dom=$2 mode=$3 tag=$4 cp=$5 sender=client tls=jdk reuse=false extra=() label=$1
  [ "$1" != "$name" ] && IFS=, read -r -a extra <<<"${1#*:}"    # client-jdk:threads=2,conns=20
  case "$name" in
    client-jdk) ;;
    client-openssl) tls=openssl ;;
    client-jdk-reuse) reuse=true ;;
    client-openssl-reuse) tls=openssl; reuse=true ;;
    mailer) sender=mailer ;;
    *) die "unknown sender $name" ;;
  esac
  # shellcheck disable=SC2086
  "${JAVA_BIN:-java}" ${JAVA_OPTS:-} -cp "$cp" org.dane4j.interop.LabBench sender=$sender tls=$tls reuse=$reuse domain="$dom" \
    n="$N" warmup="$WARMUP" mode="$mode" samples="$LATENCY_SAMPLES" cold="$LATENCY_COLD" clktck="$CLK_TCK" \
    labdir="$LAB_DIR" restart="$HERE/bench.sh restart-unbound" receiver="$RMASTER" "${extra[@]}" \
    label="$label${tag:+-$tag}" | tee -a "$OUT"
}

# ---------------------------------------------------------------- run, holding the lab lock
exec 9>/tmp/dane4j-lab.lock
log "waiting for the lab lock"
flock 9
trap 'sender_down; "$HERE/lab.sh" down >/dev/null 2>&1 || true' EXIT
"$HERE/lab.sh" up
pf_receiver_discard
RMASTER=$(tr -dc 0-9 <"$LAB_DIR/postfix.pid")
sender_up
{ echo "# $(date -u +%FT%TZ) commit $(cd "$ROOT" && git rev-parse --short HEAD) N=$N RUNS=$RUNS WARMUP=$WARMUP tag=$TAG"
  echo "# loadavg before: $(cat /proc/loadavg)"; } | tee -a "$OUT"
for run in $(seq 1 "$RUNS"); do
  for dom in $DOMAINS; do
    sender_set 'smtp_tls_connection_reuse = no'
    pf_throughput "postfix${TAG:+-$TAG}" "$dom" "$N"
    for s in $SENDERS; do
      case "$s" in *-reuse|*-reuse:*) continue ;; esac
      java_sender "$s" "$dom" throughput
    done
    sender_set 'smtp_tls_connection_reuse = yes'
    pf_throughput "postfix-reuse${TAG:+-$TAG}" "$dom" "$N"
    for s in $SENDERS; do
      case "$s" in *-reuse|*-reuse:*) java_sender "$s" "$dom" throughput ;; esac
    done
  done
done
if [ "${STALL_SAMPLES:-20}" -gt 0 ]; then   # the post-STARTTLS EHLO round trip, with and without TCP_QUICKACK
  python3 "$HERE/stall-probe.py" 127.25.0.21 "${STALL_SAMPLES:-20}" | tee -a "$OUT" || log "stall-probe.py failed"
fi
if [ "$LATENCY_SAMPLES" -gt 0 ]; then
  dom=${DOMAINS%% *}
  sender_set 'smtp_tls_connection_reuse = no'
  pf_latency "postfix${TAG:+-$TAG}" "$dom"
  for s in client-jdk client-openssl mailer; do
    case " $SENDERS " in *" $s "*) java_sender "$s" "$dom" latency ;; esac
  done
fi
echo "# loadavg after: $(cat /proc/loadavg)" | tee -a "$OUT"
log "results appended to $OUT"
