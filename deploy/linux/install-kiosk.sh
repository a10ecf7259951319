#!/bin/sh
# Sets up a Linux machine as an SKM kiosk appliance: `kiosk run` full screen on tty1 at boot, under a
# bare X session (default) or the cage Wayland kiosk compositor, restarted after a crash, never blanking.
#
#   install-kiosk.sh --user U --data-dir D [--session x|cage] [--kiosk PATH] [--root DIR]
#
# --root DIR writes everything under DIR instead of / (an image being prepared, or a test) and then
# neither checks the user nor calls systemctl.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
user=""
data_dir=""
session="x"
kiosk=""
root="/"
libexec="/usr/local/lib/skm-kiosk"

fail() {
  echo "install-kiosk.sh: $1" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --user) [ $# -ge 2 ] || fail "--user needs a user name."; user=$2; shift 2 ;;
    --data-dir) [ $# -ge 2 ] || fail "--data-dir needs a folder."; data_dir=$2; shift 2 ;;
    --session) [ $# -ge 2 ] || fail "--session needs x or cage."; session=$2; shift 2 ;;
    --kiosk) [ $# -ge 2 ] || fail "--kiosk needs the path of the kiosk command."; kiosk=$2; shift 2 ;;
    --root) [ $# -ge 2 ] || fail "--root needs a folder."; root=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1; usage: install-kiosk.sh --user U --data-dir D [--session x|cage] [--kiosk PATH] [--root DIR]" ;;
  esac
done

[ -n "$user" ] || fail "--user is required: the account the kiosk runs as (not root)."
[ -n "$data_dir" ] || fail "--data-dir is required: where the kiosk keeps its config, queue and token."
# The values end up in a unit file and a shell script: keep them to characters that need no quoting.
printf '%s' "$user" | grep -Eq '^[a-z_][a-z0-9_-]*$' || fail "--user $user is not a plain user name (a-z, 0-9, _ and -)."
[ "$user" != root ] || fail "--user root: the kiosk must not run as root; create a user with adduser --disabled-password skm."
printf '%s' "$data_dir" | grep -Eq '^/[A-Za-z0-9._/-]*$' || fail "--data-dir $data_dir must be an absolute path of letters, digits, '.', '_', '-' and '/'."
case "$session" in x|cage) ;; *) fail "--session $session is not known; choose x (a bare X session) or cage (Wayland)." ;; esac
[ -d "$root" ] || fail "--root $root is not a folder."
root=$(cd "$root" && pwd)

if [ -z "$kiosk" ]; then
  kiosk=$(command -v kiosk || true)
  [ -n "$kiosk" ] || fail "no kiosk command on PATH; install skm-kiosk (pip install 'skm-kiosk[ui]') or name it with --kiosk PATH."
fi
case "$kiosk" in /*) ;; *) fail "--kiosk $kiosk must be an absolute path." ;; esac

if [ "$root" = / ]; then
  [ "$(id -u)" -eq 0 ] || fail "run it as root (sudo), or give --root DIR to write into another folder."
  id "$user" >/dev/null 2>&1 || fail "there is no user $user on this machine; create one with adduser --disabled-password $user."
  [ -x "$kiosk" ] || fail "$kiosk is not an executable kiosk command."
  if [ "$session" = x ]; then
    [ -x /usr/bin/xinit ] || fail "the X session needs xinit and Xorg: apt-get install xserver-xorg xinit x11-xserver-utils."
  else
    [ -x /usr/bin/cage ] || fail "the cage session needs cage and Xwayland: apt-get install cage xwayland."
  fi
fi

target() { printf '%s%s' "${root%/}" "$1"; }

fill() {  # fill TEMPLATE DEST MODE: the template with this kiosk's values
  sed -e "s|@USER@|$user|g" -e "s|@DATA_DIR@|$data_dir|g" -e "s|@SESSION@|$session|g" \
      -e "s|@KIOSK@|$kiosk|g" -e "s|@LIBEXEC@|$libexec|g" "$here/$1" > "$2"
  chmod "$3" "$2"
}

mkdir -p "$(target "$libexec")" "$(target /etc/systemd/system/graphical.target.wants)"
fill kiosk-display "$(target "$libexec/kiosk-display")" 755
fill kiosk-session "$(target "$libexec/kiosk-session")" 755
fill skm-kiosk.service "$(target /etc/systemd/system/skm-kiosk.service)" 644
# Enabled at boot, and boot goes to the graphical target (what `systemctl enable` and `set-default` write).
ln -sfn /etc/systemd/system/skm-kiosk.service "$(target /etc/systemd/system/graphical.target.wants/skm-kiosk.service)"
ln -sfn /lib/systemd/system/graphical.target "$(target /etc/systemd/system/default.target)"

if [ "$session" = x ]; then
  # Xorg started by an ordinary user from a service (not a console login) needs the wrapper's leave.
  mkdir -p "$(target /etc/X11)"
  printf '%s\n' "# Written by install-kiosk.sh: the SKM kiosk starts Xorg as user $user from skm-kiosk.service." \
    "allowed_users=anybody" "needs_root_rights=yes" > "$(target /etc/X11/Xwrapper.config)"
fi

mkdir -p "$(target "$data_dir")"
chmod 700 "$(target "$data_dir")"
if [ "$root" = / ]; then
  chown "$user": "$data_dir"
  systemctl daemon-reload
  echo "skm-kiosk.service is installed and enabled; start it now with: systemctl start skm-kiosk"
else
  echo "skm-kiosk.service is installed under $root; on the target, make $data_dir owned by $user."
fi
