"""Starts moto's server on loopback for the orchestrator's tests, with EventBridge's per-delivery
JSONPath parsing cached (moto re-parses the default input paths on every target delivery, which
limits PutEvents to ~7 events/s; caching the pure parse gives the same results much faster).
Usage: python3 moto_server.py <port>"""
import functools
import os
import sys
import threading
import time

import jsonpath_ng.ext

jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)

from moto.server import main  # noqa: E402


def _exit_with_parent(parent: int) -> None:
    # A test process killed without cleanup must not leave the server behind.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()

main(["-H", "127.0.0.1", "-p", sys.argv[1]])
