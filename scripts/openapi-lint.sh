#!/usr/bin/env bash
# Lints the engine's OpenAPI document with Redocly CLI's recommended rules (a linter no one here wrote); exits non-zero
# on any error (warnings are printed, not fatal).   usage: scripts/openapi-lint.sh [document]   (default docs/openapi.json,
# the committed copy that OpenApiDocumentTests keeps equal to the served /openapi/v1.json)
# Needs npx (Node.js >= 20). The CLI comes from the npm registry at the pinned version (about 2 s once cached).
set -euo pipefail
REDOCLY_CLI_VERSION="2.77.0"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCUMENT="${1:-$REPO/docs/openapi.json}"
if ! command -v npx > /dev/null; then
  echo "openapi-lint.sh: npx is not installed (Node.js >= 20 with npm is needed for Redocly CLI)" >&2
  exit 127
fi
exec npx --yes "@redocly/cli@$REDOCLY_CLI_VERSION" lint --format=stylish "$DOCUMENT" < /dev/null
