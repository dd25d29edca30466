#!/usr/bin/env bash
# Makes the Linux package: a tarball with the binary, the menu entry, the
# icon, the .rampart file type and a Makefile that installs them for the
# user. Usage: scripts/package-linux.sh BINARY VERSION OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 version=$2 out=$3
id=io.github.rampart-tm.rampart
name=rampart-$version-linux-$(go env GOARCH)
stage=$out/$name

rm -rf "$stage" "$stage.tar.gz"
install -D -m 755 "$bin" "$stage/bin/rampart"
install -D -m 644 packaging/linux/rampart.desktop "$stage/share/applications/$id.desktop"
install -D -m 644 packaging/linux/rampart-mime.xml "$stage/share/mime/packages/$id.xml"
# The icon FyneApp.toml names, for the application and for its files.
icon=$(sed -n 's/^Icon *= *"\(.*\)"/\1/p' FyneApp.toml)
install -D -m 644 "$icon" "$stage/share/icons/hicolor/512x512/apps/$id.png"
install -D -m 644 "$icon" "$stage/share/icons/hicolor/512x512/mimetypes/application-x-rampart.png"
install -m 644 packaging/linux/Makefile LICENSE "$stage/"
# The same bytes for the same files: no owner, fixed times, sorted names.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$out" -czf "$stage.tar.gz" "$name"
echo "$stage.tar.gz"
