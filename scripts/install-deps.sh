#!/bin/sh
# Install the Debian packages oncostat needs to build and test, if missing.
# Runs `apt-get update` at most once, and only when something is missing.
set -eu

# Build and test dependencies; each is needed by `make check`.
PKGS="build-essential pkg-config clang libclang-rt-14-dev
libgsl-dev libreadstat-dev libyaml-dev libcairo2-dev libpango1.0-dev
fonts-dejavu-core fonts-noto-cjk chromium jq"
[ -n "${ONC_EXTRA_PKGS:-}" ] && PKGS="$PKGS $ONC_EXTRA_PKGS"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
