#!/bin/sh
# Runs inside the test VM (scripts/drm-vm run -- tests/drm/vm_session.sh BUILD
# [NODE...]): for each DRM node (default: every /dev/dri node), starts the real server on it (Unix socket and
# loopback TCP), runs rendersock-drm-info and drm_test over both, and stops
# the server. Exit status: 0 when everything passed on every node.
set -u
build=$1
shift
[ $# -gt 0 ] || set -- /dev/dri/card* /dev/dri/renderD*
ip link set lo up 2>/dev/null || true  # nothing brings loopback up in the VM
status=0
port=47000
for node in "$@"; do
  echo "=== DRM context on $node"
  dir=$(mktemp -d)
  port=$((port + 1))
  "$build/server/virgl_test_server" --rendernode "$node" --socket-path "$dir/drm.sock" \
    --listen "tcp:127.0.0.1:$port" >"$dir/server.log" 2>&1 &
  server=$!
  tries=0
  while [ ! -S "$dir/drm.sock" ] && [ $tries -lt 100 ]; do sleep 0.05; tries=$((tries + 1)); done
  grep -E "offering DRM|not offering DRM" "$dir/server.log"
  "$build/tools/rendersock-drm-info" "$dir/drm.sock" || status=1
  echo "--- drm_test over the Unix socket"
  "$build/tests/drm/drm_test" "$dir/drm.sock" || status=1
  echo "--- drm_test over TCP"
  "$build/tests/drm/drm_test" "tcp:127.0.0.1:$port" --tcp || status=1
  kill "$server" 2>/dev/null
  wait "$server" 2>/dev/null
  if kill -0 "$server" 2>/dev/null; then echo "the server did not stop"; status=1; fi
  if grep -qiE "sanitizer|fatal|segmentation" "$dir/server.log"; then
    echo "server log on $node:"; cat "$dir/server.log"; status=1
  fi
  rm -rf "$dir"
done
exit $status
