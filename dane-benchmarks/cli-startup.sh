#!/usr/bin/env bash
# cli-startup.sh: start-up of the dane4j command from its runnable jar, as BENCHMARKS.md reports it.
#   dane-benchmarks/cli-startup.sh [JAR] [RUNS]      (defaults: dane-cli/target/dane4j.jar, 11 runs)
# For each JVM option set and each command (--version, and tlsa create of a P-256 certificate made with
# openssl) it runs the command RUNS times and prints the median wall time and the median CPU time
# (user+sys) in seconds. CPU time is the steadier figure on a loaded machine; wall time is what a user waits.
# The AppCDS rows use a static archive (-Xshare:dump, JDK 13+) of the classes that a training run lists:
# org.dane4j.cli.CdsTraining when the jar has it (as the dane4j launcher does), else the two commands
# measured. The last row of each command is what the ./dane4j launcher runs (it is not run itself here: it
# would rebuild the jar, with mvn install, when the sources are newer).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
jar="$(readlink -f "${1:-$root/dane-cli/target/dane4j.jar}")"
runs="${2:-11}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 30 -subj /CN=mx.example.com 2>/dev/null
create=(tlsa create --port 25 --selector 1 --certificate "$work/cert.pem" mx.example.com)

if unzip -l "$jar" org/dane4j/cli/CdsTraining.class >/dev/null 2>&1; then
  java -Xshare:off -XX:DumpLoadedClassList="$work/app.lst" -cp "$jar" org.dane4j.cli.CdsTraining >/dev/null 2>&1
else
  java -Xshare:off -XX:DumpLoadedClassList="$work/1.lst" -jar "$jar" --version >/dev/null 2>&1
  java -Xshare:off -XX:DumpLoadedClassList="$work/2.lst" -jar "$jar" "${create[@]}" >/dev/null 2>&1
  cat "$work/1.lst" "$work/2.lst" | awk '!seen[$0]++' >"$work/app.lst"
fi
java -Xshare:dump -XX:SharedClassListFile="$work/app.lst" -XX:SharedArchiveFile="$work/app.jsa" -cp "$jar" \
  >/dev/null 2>&1
cds="-Xshare:auto -XX:SharedArchiveFile=$work/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
measure() { # label, command label, command...
  local label="$1" what="$2"; shift 2
  local walls=() cpus=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null 2>&1
    read -r wall user sys <"$work/t"
    walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
  done
  printf '| %-46s | %-11s | %5s | %5s |\n' "$label" "$what" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)"
}
echo "jar: $jar ($(stat -c %s "$jar") bytes), $runs runs each, $(nproc) cores," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1)"
echo
echo "| JVM options                                    | command     | wall s | cpu s |"
echo "|------------------------------------------------|-------------|-------:|------:|"
for what in --version "tlsa create"; do
  if [[ $what == --version ]]; then args=(--version); else args=("${create[@]}"); fi
  measure "(none)" "$what" java -jar "$jar" "${args[@]}"
  measure "-XX:TieredStopAtLevel=1" "$what" java -XX:TieredStopAtLevel=1 -jar "$jar" "${args[@]}"
  # shellcheck disable=SC2086
  measure "AppCDS" "$what" java $cds -jar "$jar" "${args[@]}"
  # shellcheck disable=SC2086
  measure "AppCDS -XX:TieredStopAtLevel=1" "$what" java $cds -XX:TieredStopAtLevel=1 -jar "$jar" "${args[@]}"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
