#!/usr/bin/env bash
# cli-startup.sh: start-up of the dane4j command from its runnable jar, as BENCHMARKS.md reports it.
#   dane-benchmarks/cli-startup.sh [JAR] [RUNS]      (defaults: dane-cli/target/dane4j.jar, 11 runs)
# For each JVM option set and each command (--version, tlsa create of a P-256 certificate made with openssl)
# it runs the command RUNS times and prints the median wall time and the median CPU time (user+sys) in
# seconds. CPU time is the steadier figure on a loaded machine; wall time is what a user waits.
# The AppCDS rows use an archive dumped first (-XX:ArchiveClassesAtExit, Java 13+), as the dane4j launcher
# does at its first run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
jar="${1:-$root/dane-cli/target/dane4j.jar}"
runs="${2:-11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 30 -subj /CN=mx.example.com 2>/dev/null
create=(tlsa create --port 25 --selector 1 --certificate "$work/cert.pem" mx.example.com)
java -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$jar" "${create[@]}" >/dev/null 2>&1 || true
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # label, jvm options (one word list), command...
  local label="$1" opts="$2"; shift 2
  local walls=() cpus=()
  for _ in $(seq "$runs"); do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e %U %S' -o "$work/t" java $opts -jar "$jar" "$@" >/dev/null 2>&1
    read -r wall user sys <"$work/t"
    walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
  done
  printf '%-44s %-12s wall %5ss  cpu %5ss\n' "$label" "$1" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)"
}
echo "jar: $jar ($(stat -c %s "$jar") bytes), $runs runs each, $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1)"
for cmd in version create; do
  if [[ $cmd == version ]]; then args=(--version); else args=("${create[@]}"); fi
  measure "default" "" "${args[@]}"
  measure "-XX:TieredStopAtLevel=1" "-XX:TieredStopAtLevel=1" "${args[@]}"
  measure "AppCDS" "-XX:SharedArchiveFile=$work/app.jsa" "${args[@]}"
  measure "AppCDS -XX:TieredStopAtLevel=1" "-XX:SharedArchiveFile=$work/app.jsa -XX:TieredStopAtLevel=1" "${args[@]}"
  measure "AppCDS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" \
    "-XX:SharedArchiveFile=$work/app.jsa -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" "${args[@]}"
done
