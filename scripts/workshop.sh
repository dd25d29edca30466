#!/usr/bin/env bash
# A scripted workshop, driven as a facilitator would with mouse and keys:
# 10 elements, 2 trust boundaries and 12 flows drawn from the keyboard-chosen
# tools, a child diagram opened after the flows and joined inside, every
# element and flow reviewed in presentation mode and three questions
# answered there. It counts the inputs (at most 80), then checks the model
# it left: balanced, the same threats as the same model analysed afresh,
# and 100 % review coverage in the report. Screenshots go to OUT (light and
# dark themes). Needs Xvfb, xdotool and ImageMagick (scripts/install-deps.sh
# --tools).
#
#   scripts/workshop.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT

make -s build >/dev/null
bin=$PWD/rampart
export HOME=$work/home
# The window size the canvas positions below were measured at (a first
# start would fill the screen instead).
prefs=$HOME/.config/fyne/io.github.rampart-tm.rampart
mkdir -p "$prefs"
echo '{"window.width": 1600, "window.height": 1000}' >"$prefs/preferences.json"

# An empty model to draw in.
cat >"$work/empty.json" <<'EOF'
{"format": "rampart", "format_version": 1, "name": "Payments workshop",
 "diagrams": [{"id": "context", "name": "Context"}]}
EOF
"$bin" import "$work/empty.json" -o "$work/ws.rampart" >/dev/null

export DISPLAY=:77
Xvfb "$DISPLAY" -screen 0 1920x1080x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
"$bin" "$work/ws.rampart" >"$work/app.log" 2>&1 &
app=$!
for _ in $(seq 50); do
  xdotool search --name "Payments workshop" >/dev/null 2>&1 && break
  sleep 0.2
done
sleep 2
read -r wx wy < <(xdotool search --name "Payments workshop" getwindowgeometry |
  awk '/Position/ {split($2, p, ","); print p[1], p[2]}')
# Canvas positions below are for the window at (160, 40), its first-start
# place on a 1920 × 1080 screen; they move with it.
dx=$((wx - 160)) dy=$((wy - 40))

inputs=0
# Taps further apart than a double-click, which Fyne waits for.
click() { xdotool mousemove $(($1 + dx)) $(($2 + dy)) click 1; inputs=$((inputs + 1)); sleep 0.8; }
double() { xdotool mousemove $(($1 + dx)) $(($2 + dy)) click --repeat 2 --delay 60 1; inputs=$((inputs + 1)); sleep 0.8; }
drag() {
  xdotool mousemove $(($1 + dx)) $(($2 + dy)) mousedown 1
  for s in 1 2 3 4 5; do
    xdotool mousemove $(($1 + ($3 - $1) * s / 5 + dx)) $(($2 + ($4 - $2) * s / 5 + dy))
    sleep 0.05
  done
  xdotool mouseup 1
  inputs=$((inputs + 1))
  sleep 0.3
}
key() {
  xdotool key "$1"
  inputs=$((inputs + 1))
  case $1 in
  F5 | Escape | alt+Up) sleep 4 ;; # the window goes full screen or back
  *) sleep 0.4 ;;
  esac
}
shot() { sleep 1.5; import -window root "$out/$1.png"; }

# Two trust boundaries: the users' side and the cluster (the palette's
# Boundary button; the canvas has the keyboard from the first drag on).
click 567 88
drag 395 180 560 600
drag 630 180 1220 735
# Processes, entities, stores: the tool stays for the next one.
key p
click 720 390   # Process 1: gateway
click 900 250   # Process 2: orders
click 900 520   # Process 3: payments
click 1000 660  # Process 4: worker
key e
click 470 260   # Entity 1: customer
click 470 520   # Entity 2: admin
click 1370 520  # Entity 3: bank
key s
click 1110 250  # Store 1: orders DB
click 1150 470  # Store 2: payments DB
click 760 660   # Store 3: queue
# Twelve flows with the flow tool: source, then target.
key f
flow() { click "$1" "$2"; click "$3" "$4"; }
flow 470 260 720 390    # customer → gateway
flow 720 390 470 260    # gateway → customer
flow 470 520 720 390    # admin → gateway
flow 720 390 900 250    # gateway → orders
flow 720 390 900 520    # gateway → payments
flow 900 250 1110 250   # orders → orders DB
flow 900 520 1150 470   # payments → payments DB
flow 900 520 1370 520   # payments → bank
flow 1370 520 900 520   # bank → payments (webhook)
flow 900 250 760 660    # orders → queue
flow 760 660 1000 660   # queue → worker
flow 1000 660 1110 250  # worker → orders DB
shot drawn-light
# The worker is refined after its flows exist: one process inside takes
# both interface flows.
key Escape
double 1000 660
key p
click 912 300
key j
shot child-light
# Review the child diagram, then the context.
key F5
for _ in 1 2 3; do key d; done
key Escape
key alt+Up
key F5
key d           # customer
key d           # customer → gateway
shot present-light
key 1           # the gateway: three questions answered yes
key 1
key 1
shot answered-light
for _ in $(seq 20); do key d; done
echo "workshop: $inputs input actions"

# Not counted: quit, then the same presentation in the dark theme.
xdotool key Escape
sleep 2
xdotool key ctrl+q
sleep 2
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true
cp "$work/ws.rampart" "$work/dark.rampart"
python3 - "$prefs/preferences.json" <<'PY'
import json, os, sys
path = sys.argv[1]
prefs = json.load(open(path)) if os.path.exists(path) else {}
prefs["theme"] = "dark"
json.dump(prefs, open(path, "w"))
PY
"$bin" "$work/dark.rampart" >>"$work/app.log" 2>&1 &
app=$!
sleep 5
xdotool mousemove $((1300 + dx)) $((160 + dy)) click 1
sleep 1
xdotool key F5
sleep 4
xdotool key Right Right
shot present-dark
xdotool key Escape
sleep 2
shot editor-dark
kill $app 2>/dev/null || true
wait $app 2>/dev/null || true

# The model the workshop left.
status=0
if [[ $inputs -gt 80 ]]; then
  echo "FAIL: $inputs input actions, more than 80"; status=1
fi
"$bin" validate "$work/ws.rampart" --format json >"$work/validate.json" || true
if grep -q '"balance\|does not balance\|not connected' "$work/validate.json"; then
  echo "FAIL: the diagrams do not balance:"; cat "$work/validate.json"; status=1
fi
counts=$("$bin" export "$work/ws.rampart" --format json -o - | python3 -c '
import json, sys
d = json.load(sys.stdin)
kinds = {}
for e in d["elements"]:
    if e["diagram"] == "context":
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
print(kinds.get("process", 0) + kinds.get("external_entity", 0) + kinds.get("data_store", 0),
      kinds.get("trust_boundary", 0), kinds.get("data_flow", 0), len(d["diagrams"]))')
read -r nodes bounds flows diagrams <<<"$counts"
echo "model: $nodes elements, $bounds boundaries, $flows flows, $diagrams diagrams"
if [[ $nodes != 10 || $bounds != 2 || $flows != 12 || $diagrams != 2 ]]; then
  echo "FAIL: want 10 elements, 2 boundaries, 12 flows, 2 diagrams"; status=1
fi
# The same model analysed afresh, with no drawing order behind it.
"$bin" export "$work/ws.rampart" --format json -o "$work/ws.json"
"$bin" import "$work/ws.json" -o "$work/fresh.rampart" >/dev/null
threats() {
  "$bin" analyze "$1" --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in sorted(t["rule_id"] + " @ " + t["element_name"] + " (" + t["element_id"] + ") " + t["confidence"]
               for t in d["threats"] if not t["obsolete"]):
    print(t)'
}
if ! diff <(threats "$work/ws.rampart") <(threats "$work/fresh.rampart") >"$work/threats.diff"; then
  echo "FAIL: the drawn model's threats differ from the same model analysed afresh:"; cat "$work/threats.diff"; status=1
fi
echo "threats: $(threats "$work/ws.rampart" | wc -l) open or triaged, the same as analysed afresh"
"$bin" report "$work/ws.rampart" -o "$out/workshop.pdf" 2>/dev/null
if ! pdftotext "$out/workshop.pdf" - | tr -s ' \n' ' ' | grep -q '(100 %;'; then
  echo "FAIL: the report does not show 100 % review coverage"; status=1
fi
cp "$work/ws.rampart" "$out/"
echo "screenshots, model and report in $out"
exit $status
