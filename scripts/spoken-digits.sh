#!/usr/bin/env bash
# Synthesizes spoken digit sequences with espeak-ng (Debian package espeak-ng) for the
# DeepSpeech-style example: OUT/{train,test}/NNNNN.wav plus OUT/{train,test}/labels.tsv
# (file, digits, voice). Sequences have 3 to 5 digits; speed and pitch vary per utterance.
# The split is by voice: the test voices (variants) never occur in training.
#   scripts/spoken-digits.sh OUT [TRAIN_COUNT] [TEST_COUNT] [SEED]
set -euo pipefail
out=${1:?usage: spoken-digits.sh OUT [TRAIN_COUNT] [TEST_COUNT] [SEED]}
train_count=${2:-2000}
test_count=${3:-300}
RANDOM=${4:-7}
command -v espeak-ng >/dev/null || { echo "espeak-ng is missing: apt-get install espeak-ng" >&2; exit 1; }

words=(zero one two three four five six seven eight nine)
accents=(en-us en-gb)
train_variants=(m1 m2 m3 m4 f1 f2 f3 klatt)
test_variants=(m5 f4 klatt2)

make_split() { # name count variants...
  local name=$1 count=$2; shift 2
  local variants=("$@") dir="$out/$name"
  mkdir -p "$dir"
  : > "$dir/labels.tsv"
  for ((i = 0; i < count; i++)); do
    local n=$((3 + RANDOM % 3)) digits="" text=""
    for ((k = 0; k < n; k++)); do
      local d=$((RANDOM % 10))
      digits+="$d"
      text+="${words[d]} "
    done
    local voice="${accents[RANDOM % ${#accents[@]}]}+${variants[RANDOM % ${#variants[@]}]}"
    local speed=$((140 + RANDOM % 60)) pitch=$((30 + RANDOM % 40))
    local file=$(printf '%05d.wav' "$i")
    espeak-ng -v "$voice" -s "$speed" -p "$pitch" -w "$dir/$file" "$text"
    printf '%s\t%s\t%s\n' "$file" "$digits" "$voice" >> "$dir/labels.tsv"
  done
}

make_split train "$train_count" "${train_variants[@]}"
make_split test "$test_count" "${test_variants[@]}"
echo "wrote $train_count training and $test_count test utterances to $out"
