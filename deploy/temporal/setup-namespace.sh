#!/bin/sh
# Sira's namespace (created, or its retention brought in line) and Sira's search attributes, one per
# line of search-attributes.flags (written by `npx tsx scripts/search-attribute-flags.ts
# deploy/temporal/search-attributes.flags`; a unit test keeps it in step with the code). Safe to run
# again. The `temporal` CLI also reads TEMPORAL_TLS_CERT, _KEY, _CA, _SERVER_NAME and TEMPORAL_API_KEY.
set -eu
: "${TEMPORAL_ADDRESS:?the Temporal frontend, host:port}"
NAMESPACE="${TEMPORAL_NAMESPACE:-sira}"
RETENTION="${TEMPORAL_NAMESPACE_RETENTION:-30d}"
FLAGS="${SEARCH_ATTRIBUTE_FLAGS:-$(dirname "$0")/search-attributes.flags}"

# Runs a command until it succeeds, for a server still starting or a namespace still propagating.
retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge "${RETRY_ATTEMPTS:-30}" ]; then
      echo "gave up after $attempt attempts: $*" >&2
      return 1
    fi
    attempt=$((attempt + 1))
    sleep "${RETRY_SECONDS:-2}"
  done
}

echo "== waiting for Temporal at $TEMPORAL_ADDRESS"
retry temporal operator cluster health --address "$TEMPORAL_ADDRESS"

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "== namespace $NAMESPACE exists: retention $RETENTION"
  retry temporal operator namespace update --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
else
  echo "== creating namespace $NAMESPACE (retention $RETENTION)"
  retry temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
fi

echo "== search attributes"
existing="$(retry temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE")"
while read -r flags; do
  [ -n "$flags" ] || continue
  name="$(echo "$flags" | awk '{ print $2 }')"
  if echo "$existing" | grep -qw -- "$name"; then
    echo "$name: registered"
    continue
  fi
  # The line's flags (--name X --type Y) are split into words on purpose.
  # shellcheck disable=SC2086
  retry temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" $flags
  echo "$name: added"
done <"$FLAGS"
echo "namespace $NAMESPACE is ready for Sira"
