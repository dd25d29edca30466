#!/usr/bin/env bash
# Installs what building Rampart needs on Debian or Ubuntu: the C headers
# Fyne's OpenGL/X11 driver compiles against, and make. Go modules come
# through go itself. Does nothing when everything is already there.
# --windows adds the mingw-w64 cross compiler for the Windows build (its
# POSIX-threads flavour, which gives x86_64-w64-mingw32-gcc);
# --package adds the desktop's file-type and menu tools, which check the
# Linux package; --tools adds what trying the GUI by hand takes.
set -euo pipefail

packages=(make gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
  libxinerama-dev libxi-dev libxxf86vm-dev poppler-utils git)
# poppler-utils gives pdftotext, which the report tests read PDFs with;
# git runs the tests of merging models in a real repository.
for arg in "$@"; do
  case $arg in
    --windows) packages+=(gcc-mingw-w64-x86-64-posix) ;;
    --package) packages+=(shared-mime-info desktop-file-utils) ;;
    --tools) packages+=(xvfb xdotool imagemagick) ;;
    *) echo "usage: $0 [--windows] [--package] [--tools]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Rampart needs these packages (or your system's equivalent): ${missing[*]}" >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
