#!/usr/bin/env bash
# The install test: the .deb as a field installer uses it, on this machine, as root.
#
#   installers/linux/install-test.sh PACKAGE.deb SANDBOX_BINARY [PACKAGE.rpm]
#
# 1. A platform sandbox on loopback mints a pairing code; a provisioning file naming it and
#    a virtual printer on loopback is put beside the package.
# 2. dpkg installs the package: its post-install step provisions the terminal from the file
#    (paired, catalog synced, test page printed, owner added, kiosk autostart written).
# 3. The installed `cardcat --version` and `cardcat doctor` work; the desktop entry is valid;
#    the installed binaries find every library they link.
# 4. dpkg --remove keeps the store data; dpkg --purge deletes it (and only CardCat's own).
# 5. The .rpm, when given, is read back with rpm: the same files, scripts and requirements.
#
# Everything talks to 127.0.0.1 only; every wait is bounded. Run it inside a D-Bus session
# with an unlocked keyring (./x test does), so the terminal secret has a real OS keyring.
set -euo pipefail

DEB=$(realpath "$1")
SANDBOX=$(realpath "$2")
RPM=${3:+$(realpath "$3")}
PKG=$(dpkg-deb -f "$DEB" Package)
[ "$(id -u)" -eq 0 ] || { echo "install-test: needs root (dpkg)" >&2; exit 2; }
if dpkg -s "$PKG" >/dev/null 2>&1; then
  echo "install-test: $PKG is already installed on this machine; not replacing it" >&2
  exit 2
fi
# the purge at the end deletes every CardCat store of this machine: refuse where one exists
existing=$(getent passwd | while IFS=: read -r _n _p _u _g _c h _s; do
  [ -n "$h" ] && [ -e "$h/.local/share/cardcat" ] && echo "$h/.local/share/cardcat"
done || true)
if [ -n "$existing" ] || [ -e /var/lib/cardcat ]; then
  echo "install-test: this machine has CardCat store data ($existing /var/lib/cardcat); a purge would delete it. Run the test on a machine without it." >&2
  exit 2
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if dpkg -s "$PKG" >/dev/null 2>&1; then dpkg --purge "$PKG" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
pass() { echo "install-test: ok: $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for SECONDS COMMAND...: polls every 0.1 s, at most SECONDS.
wait_for() {
  local n=$(($1 * 10)); shift
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# The terminal user's environment: its own home, default XDG folders.
home="$work/home"
mkdir -p "$home"
as_terminal() {
  env -u XDG_DATA_HOME -u XDG_CONFIG_HOME -u CARDCAT_DB -u CARDCAT_USER -u CARDCAT_PIN \
    -u SUDO_USER -u PKEXEC_UID -u CARDCAT_INSTALL_USER -u CARDCAT_PROVISION \
    HOME="$home" LANG=C.UTF-8 "$@"
}
data="$home/.local/share/cardcat"

# 1. the platform and a pairing code
port=$(free_port)
"$SANDBOX" serve --db "$work/sandbox.sqlite" --host 127.0.0.1 --port "$port" >"$work/sandbox.log" 2>&1 &
pids+=($!)
wait_for 20 curl -fsS "http://127.0.0.1:$port/v1/health" || { cat "$work/sandbox.log" >&2; fail "the sandbox did not start"; }
code=$("$SANDBOX" pairing-code --db "$work/sandbox.sqlite" 2>/dev/null | tail -n1)
[ -n "$code" ] || fail "no pairing code"
printer_port=$(free_port)

mkdir -p "$work/usb"
cp "$DEB" "$work/usb/"
cat >"$work/usb/provision.toml" <<EOF
[platform]
url = "http://127.0.0.1:$port"
pairing_code = "$code"

[store]
display_name = "便民超市（安装测试店）"

[printer]
target = "127.0.0.1:$printer_port"
profile = "xprinter-58"
width_mm = 58
test_print = true

[terminal]
language = "zh-CN"
kiosk = true

[owner]
id = "laoban"
name = "王老板"
pin = "2468"
EOF

# The virtual printer must listen before the install prints its test page: it is the
# packaged CLI's own (`cardcat printer emulate`, i.e. `cardcat-app --cli printer emulate`),
# run from the .deb's extracted payload.
dpkg-deb -x "$DEB" "$work/payload"
"$work/payload/usr/bin/cardcat-app" --cli printer emulate --host 127.0.0.1 --port "$printer_port" --width 58 --out "$work/printer" >"$work/printer.log" 2>&1 &
pids+=($!)
wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$printer_port" || fail "the virtual printer did not start"

# 2. install from the "USB stick": the post-install step finds provision.toml beside it.
start=$(date +%s%N)
(cd "$work/usb" && as_terminal dpkg -i "./$(basename "$DEB")") >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i"; }
ms=$((($(date +%s%N) - start) / 1000000))
cat "$work/install.log"
grep -q "设置完成：门店 便民超市（安装测试店）" "$work/install.log" || fail "the post-install step did not provision the terminal"
if grep -q "没有完成" "$work/install.log"; then fail "the post-install provisioning did not finish"; fi
pass "dpkg -i with provision.toml beside the package: installed and provisioned in $ms ms"

for f in /usr/bin/cardcat-app /usr/bin/cardcat /usr/bin/cardcat-watchdog; do
  [ -x "$f" ] || fail "$f is not installed"
done
listed=$(dpkg -L "$PKG")
desktop=$(grep -m1 '^/usr/share/applications/.*\.desktop$' <<<"$listed" || true)
[ -n "$desktop" ] || fail "no desktop entry"
grep -q '^Name\[zh_CN\]=卡盟猫收银台$' "$desktop" || fail "the desktop entry has no Chinese name"
grep -q '^Exec=cardcat-app$' "$desktop" || fail "the desktop entry does not start the app"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
fi
grep -q '^/usr/share/icons/hicolor/.*/apps/cardcat-app.png$' <<<"$listed" || fail "no icon"
missing=$(ldd /usr/bin/cardcat-app | grep 'not found' || true)
[ -z "$missing" ] || fail "libraries missing: $missing"
pass "files: app, CLI, watchdog, desktop entry, icons; every linked library is present"

# 3. the installed CLI
version=$(as_terminal cardcat --version)
want=$(dpkg-deb -f "$DEB" Version)
case "$version" in *"${want%%-*}"*) ;; *) fail "cardcat --version says '$version', the package is $want" ;; esac
as_terminal cardcat --lang en doctor >"$work/doctor.log" 2>&1 || { cat "$work/doctor.log" >&2; fail "cardcat doctor"; }
cat "$work/doctor.log"
pass "cardcat --version ($version) and cardcat doctor"

wait_for 10 bash -c "ls '$work/printer'/*.txt" || fail "no test page reached the printer"
page=$(cat "$work/printer"/*.txt)
grep -q "58" <<<"$page" || fail "the test page does not name the 58 mm paper: $page"
pages=$(ls "$work/printer"/*.txt | wc -l)
pass "the test page reached the virtual printer"
[ -f "$data/cardcat.sqlite" ] || fail "no store in $data"
auto="$home/.config/autostart/cardcat.desktop"
grep -q '^Exec=/usr/bin/cardcat-watchdog$' "$auto" || fail "kiosk: no autostart entry running the watchdog"
pass "kiosk: the autostart entry runs the watchdog"

# Running the file again is safe: the terminal is paired already; the code is not spent again.
as_terminal cardcat provision --file "$work/usb/provision.toml" </dev/null >"$work/again.log" 2>&1 || { cat "$work/again.log" >&2; fail "a second provisioning run"; }
pass "provisioning again with the spent code succeeds"
# (that run printed its own test page)
wait_for 10 bash -c "[ \$(ls '$work/printer'/*.txt | wc -l) -gt $pages ]" || fail "the second run printed no test page"
pages=$(ls "$work/printer"/*.txt | wc -l)

# An upgrade (here: the same package again) leaves the terminal as it is: no provisioning.
(cd "$work/usb" && as_terminal dpkg -i "./$(basename "$DEB")") >"$work/upgrade.log" 2>&1 || { cat "$work/upgrade.log" >&2; fail "dpkg -i again"; }
if grep -q "setting up this terminal" "$work/upgrade.log"; then fail "an upgrade provisioned the terminal again"; fi
sleep 0.5
[ "$(ls "$work/printer"/*.txt | wc -l)" -eq "$pages" ] || fail "an upgrade printed another test page"
pass "an upgrade does not provision again"

# 4. remove keeps the data; purge deletes it, and only what is CardCat's
mkdir -p "$work/other/cardcat"
echo "not CardCat's" >"$work/other/cardcat/notes.txt"
echo "$work/other/cardcat" >>/var/lib/cardcat/stores
dpkg --remove "$PKG" >/dev/null || fail "dpkg --remove"
[ ! -e /usr/bin/cardcat ] || fail "dpkg --remove left /usr/bin/cardcat"
[ -f "$data/cardcat.sqlite" ] || fail "dpkg --remove deleted the store data"
[ ! -e /usr/bin/cardcat-watchdog ] || fail "the watchdog is still there"
grep -q '^TryExec=/usr/bin/cardcat-watchdog$' "$auto" || fail "the autostart entry has no TryExec (it would fail at every login)"
pass "dpkg --remove: programs gone, store data kept, autostart entry inert"
dpkg --purge "$PKG" >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
cat "$work/purge.log"
[ ! -e "$data" ] || fail "dpkg --purge kept $data"
[ ! -e /var/lib/cardcat ] || fail "dpkg --purge kept /var/lib/cardcat"
[ -f "$work/other/cardcat/notes.txt" ] || fail "dpkg --purge deleted a folder that was not CardCat's"
pass "dpkg --purge: store data deleted, a folder holding other files kept"

# A provisioning file in a folder everyone may write (such as /tmp) is not used: another
# local user could have put it there.
mkdir -p "$work/open" && chmod 1777 "$work/open"
cp "$DEB" "$work/usb/provision.toml" "$work/open/"
(cd "$work/open" && as_terminal dpkg -i "./$(basename "$DEB")") >"$work/open.log" 2>&1 || { cat "$work/open.log" >&2; fail "dpkg -i from an open folder"; }
grep -q "not using $work/open/provision.toml" "$work/open.log" || { cat "$work/open.log" >&2; fail "a file in a world-writable folder was used"; }
[ ! -e "$data/cardcat.sqlite" ] || fail "a store was made from a file in a world-writable folder"
dpkg --purge "$PKG" >/dev/null 2>&1 || fail "dpkg --purge"
pass "a provisioning file in a world-writable folder is refused"

# 5. the .rpm (Debian cannot install it, but rpm reads it back)
if [ -n "$RPM" ] && command -v rpm >/dev/null; then
  files=$(rpm -qpl "$RPM" 2>/dev/null)
  for f in /usr/bin/cardcat-app /usr/bin/cardcat /usr/bin/cardcat-watchdog /usr/share/applications/cardcat.desktop; do
    grep -qx "$f" <<<"$files" || fail "the .rpm lacks $f"
  done
  scripts=$(rpm -qp --scripts "$RPM" 2>/dev/null)
  requires=$(rpm -qp --requires "$RPM" 2>/dev/null)
  grep -q "find_provision_file" <<<"$scripts" || fail "the .rpm has no post-install provisioning"
  grep -q "remove_store_dir" <<<"$scripts" || fail "the .rpm has no post-remove script"
  grep -q "libwebkit2gtk-4.1.so.0()(64bit)" <<<"$requires" || fail "the .rpm does not require WebKitGTK"
  pass "the .rpm holds the same files and scripts and requires the libraries the app links"
fi
echo "install-test: all passed"
