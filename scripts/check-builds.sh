#!/usr/bin/env bash
# Checks what `make package windows` built, as a user would get it: the
# Linux package installs into an empty home, runs from there (--version
# says the version FyneApp.toml gives, and a model is written and read),
# and uninstalls; rampart.exe carries its icon and version resource.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
pkg=dist/rampart-$version-linux-$(go env GOARCH).tar.gz
fail() { echo "check-builds: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
home=$tmp/home
mkdir -p "$home"
tar -xzf "$pkg" -C "$tmp"
# As in a fresh login: only the new home, none of this session's folders.
user() { env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u XDG_DATA_DIRS HOME="$home" "$@"; }
user make -s -C "$tmp/rampart-$version-linux-$(go env GOARCH)" install >/dev/null

bin=$home/.local/bin/rampart
got=$(user "$bin" --version) || fail "the installed rampart does not run"
[[ $got == "rampart $version" ]] || fail "--version says '$got', want 'rampart $version'"
user "$bin" demo -o "$tmp/shop.rampart" >/dev/null
user "$bin" validate "$tmp/shop.rampart" >/dev/null || fail "the installed rampart cannot read its own model"

share=$home/.local/share
desktop=$share/applications/io.github.rampart-tm.rampart.desktop
grep -qx "Exec=\"$bin\" %f" "$desktop" || fail "the menu entry does not start $bin"
grep -qx 'MimeType=application/x-rampart;' "$desktop" || fail "the menu entry does not open .rampart files"
[[ -s $share/icons/hicolor/512x512/apps/io.github.rampart-tm.rampart.png ]] || fail "no icon"
grep -q 'glob pattern="\*.rampart"' "$share/mime/packages/io.github.rampart-tm.rampart.xml" || fail "no file type"
# The desktop's own tools read the file type and the menu entry, when here
# (install-deps.sh --package).
if command -v update-mime-database >/dev/null; then
  [[ -s $share/mime/application/x-rampart.xml ]] || fail "the file type is not in the MIME database"
fi
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "the menu entry is not valid"
  grep -q 'application/x-rampart=io.github.rampart-tm.rampart.desktop' "$share/applications/mimeinfo.cache" ||
    fail "the desktop does not know Rampart opens .rampart files"
fi

user make -s -C "$tmp/rampart-$version-linux-$(go env GOARCH)" uninstall >/dev/null
[[ ! -e $bin && ! -e $desktop ]] || fail "uninstall left files behind"
echo "Linux package $pkg: installs, runs (rampart $version) and uninstalls"

# The Windows build: a GUI program with its icon and version resource.
[[ -s rampart.exe ]] || fail "no rampart.exe"
go tool go-winres extract --dir "$tmp/res" rampart.exe
grep -q "\"ProductVersion\": \"$version\"" "$tmp/res/winres.json" || fail "rampart.exe has no version resource for $version"
compgen -G "$tmp/res/*.ico" >/dev/null || fail "rampart.exe has no icon"
echo "Windows build rampart.exe: icon and version $version embedded"
