#!/bin/sh
# Starts the Wayland build of Latchkey when the session gives the sandbox a
# Wayland socket, else the X11 one (Fyne's GLFW has one window system per
# build).
sock=${WAYLAND_DISPLAY:-}
case $sock in
  "") ;;
  /*) ;;
  *) sock=${XDG_RUNTIME_DIR:-/nonexistent}/$sock ;;
esac
if [ -n "$sock" ] && [ -S "$sock" ]; then
  exec /app/libexec/latchkey-wayland "$@"
fi
exec /app/libexec/latchkey-x11 "$@"
