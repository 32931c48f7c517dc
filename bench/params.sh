#!/usr/bin/env bash
# What checking params against a job's schema costs a trigger: µs per check on one thread, for a job without params,
# demo.sleep's typed params and a nested JSON Schema (bench/params/ParamsCost.java), against the built classes.
# Usage: bench/params.sh   (after ./mvnw package -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
./mvnw -q -o dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" >/dev/null
cp="$(cat "$out/cp.txt"):target/classes"
javac -d "$out" -cp "$cp" bench/params/ParamsCost.java
java -cp "$cp:$out" ParamsCost 2>&1 | grep -v SLF4J | tail -3
