#!/bin/sh
# Install the frozen app (dist/nmrf-desktop/) for every user of a Linux laptop:
# the folder under $PREFIX, the two commands on PATH, the desktop entry and its icon.
#
# Usage:  sudo packaging/linux/install.sh            (PREFIX=/opt/nmrf-desktop, BINDIR=/usr/local/bin)
#         DESTDIR=pkgroot packaging/linux/install.sh (stage files for a .deb/.rpm instead)
#         sudo packaging/linux/install.sh --uninstall
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DESTDIR=${DESTDIR:-}
PREFIX=${PREFIX:-/opt/nmrf-desktop}
BINDIR=${BINDIR:-/usr/local/bin}
SHARE=${SHARE:-/usr/local/share}
APPS="$DESTDIR$SHARE/applications"
ICONS="$DESTDIR$SHARE/icons/hicolor/scalable/apps"

refresh() {
    [ -n "$DESTDIR" ] && return 0
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$APPS" || true
    command -v gtk-update-icon-cache >/dev/null \
        && gtk-update-icon-cache -q -t "$DESTDIR$SHARE/icons/hicolor" || true
}

if [ "${1:-}" = --uninstall ]; then
    rm -rf "$DESTDIR$PREFIX"
    rm -f "$DESTDIR$BINDIR/nmrf-desktop" "$DESTDIR$BINDIR/nmrf" \
        "$APPS/nmrf-desktop.desktop" "$ICONS/nmrf-desktop.svg"
    refresh
    echo "NMRF Desktop removed (each user's data folder, ~/.local/share/nmrf-desktop, is kept)"
    exit 0
fi

[ -x "$ROOT/dist/nmrf-desktop/nmrf-desktop" ] || {
    echo "no dist/nmrf-desktop/nmrf-desktop: run python packaging/build.py first" >&2
    exit 1
}
rm -rf "$DESTDIR$PREFIX"
mkdir -p "$DESTDIR$PREFIX" "$DESTDIR$BINDIR" "$APPS" "$ICONS"
cp -a "$ROOT/dist/nmrf-desktop/." "$DESTDIR$PREFIX/"
chmod -R a+rX,go-w "$DESTDIR$PREFIX"
ln -sf "$PREFIX/nmrf-desktop" "$DESTDIR$BINDIR/nmrf-desktop"
ln -sf "$PREFIX/nmrf" "$DESTDIR$BINDIR/nmrf"
install -m 644 "$HERE/../nmrf-desktop.desktop" "$APPS/nmrf-desktop.desktop"
install -m 644 "$ROOT/resources/icons/nmrf-desktop.svg" "$ICONS/nmrf-desktop.svg"
refresh
echo "NMRF Desktop installed in $DESTDIR$PREFIX; check it with: nmrf-desktop --self-test"
