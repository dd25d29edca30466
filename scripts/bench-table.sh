#!/usr/bin/env bash
# Turns `go test -bench` output into one table: package, benchmark, time per
# operation in milliseconds, memory per operation.
awk '
/^pkg:/ { pkg = $2; sub(/.*rampart\//, "", pkg) }
/^Benchmark/ {
  name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
  ns = ""; mem = ""
  for (i = 3; i <= NF; i++) {
    if ($(i) == "ns/op") ns = $(i-1)
    if ($(i) == "B/op") mem = $(i-1)
  }
  rows[++n] = sprintf("%-10s %-40s %12.3f %12.1f", pkg, name, ns / 1e6, mem / 1048576)
}
/^(FAIL|--- FAIL)/ { print; failed = 1 }
END {
  printf "%-10s %-40s %12s %12s\n", "package", "benchmark", "ms/op", "MiB/op"
  for (i = 1; i <= n; i++) print rows[i]
  exit failed
}'
