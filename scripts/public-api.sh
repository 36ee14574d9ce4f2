#!/usr/bin/env bash
# scripts/public-api.sh — refresh PublicAPI.Unshipped.txt of every project that tracks its public API with
# Microsoft.CodeAnalysis.PublicApiAnalyzers (a PublicAPI.Shipped.txt beside its csproj): adds what is public but not
# listed (RS0016, with the analyzer's own code fix through `dotnet format`) and drops what is listed but gone (RS0017,
# read from a build: a line of PublicAPI.Unshipped.txt is deleted, a line of PublicAPI.Shipped.txt is marked
# *REMOVED* in PublicAPI.Unshipped.txt, as the analyzer expects of a breaking change). Run it after a change or a merge
# that adds, changes or removes public API, then read the diff: every added line is a promise to users. Until the
# files match the code the build fails with RS0016/RS0017.
#   scripts/public-api.sh           # rewrite the files
#   scripts/public-api.sh --check   # change nothing; exit 1 when a file is out of date
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

check=0
[[ "${1:-}" == --check ]] && check=1
mapfile -t projects < <(find . -name PublicAPI.Shipped.txt -not -path '*/bin/*' -not -path '*/obj/*' -printf '%h\n' | sort)
[[ ${#projects[@]} -gt 0 ]] || { echo "public-api.sh: no project has a PublicAPI.Shipped.txt" >&2; exit 1; }

# api_diagnostics PROJECT: "RSxxxx<TAB>file<TAB>line<TAB>symbol" for every RS0016/RS0017 of a fresh build (analyzers
# only report when the compiler runs, hence --no-incremental; warnings are not errors here so that one build shows all).
api_diagnostics() {
  dotnet build "$1" --no-incremental -nologo -v q -p:TreatWarningsAsErrors=false -clp:NoSummary 2>&1 \
    | sed -n -E "s/^(.*)\(([0-9]+),[0-9]+\): (error|warning) (RS001[67]): Symbol '(.*)' (is not part of|is part of).*/\4\t\1\t\2\t\5/p" \
    | sort -u || true
}

if [[ $check == 1 ]]; then
  stale=0
  for dir in "${projects[@]}"; do
    found="$(api_diagnostics "$dir")"
    if [[ -n "$found" ]]; then stale=1; echo "$found" | cut -f1,4 | sed "s|^|public-api.sh: ${dir#./}: |"; fi
  done
  [[ $stale == 0 ]] && echo "public-api.sh: the PublicAPI files match the code"
  exit "$stale"
fi

for dir in "${projects[@]}"; do
  project="$(ls "$dir"/*.csproj)"
  echo "public-api.sh: ${project#./}"
  # RS0016: the analyzer's code fix appends the missing lines to PublicAPI.Unshipped.txt.
  dotnet format analyzers "$project" --diagnostics RS0016 --severity info -v q || true
  # RS0017: the files name symbols that are gone; delete (or mark) those lines, bottom up so that line numbers hold.
  api_diagnostics "$dir" | awk -F'\t' '$1 == "RS0017"' | sort -t$'\t' -k2,2 -k3,3nr | while IFS=$'\t' read -r _ file line symbol; do
    case "$file" in
      */PublicAPI.Unshipped.txt) sed -i "${line}d" "$file" ;;
      */PublicAPI.Shipped.txt) printf '*REMOVED*%s\n' "$(sed -n "${line}p" "$file")" >> "$(dirname "$file")/PublicAPI.Unshipped.txt" ;;
    esac
    echo "public-api.sh: gone from the public API: $symbol"
  done
done
"$0" --check
