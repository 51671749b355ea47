"""A Jupyter server extension that sends kernel messages to the browser without delay.

jupyter_server leaves Nagle's algorithm on for the kernel websocket. When a widget control
changes, the kernel first publishes a small "busy" status; each small message after it (the
explorer's new frame too) then waits in the server until the browser acknowledges what it
received, and a browser that is busy talking to the server delays that acknowledgement by
40 ms. The extension sets TCP_NODELAY on each kernel websocket; the same messages flow, only
sooner. ``python -m autograder.explorer_benchmark`` measures JupyterLab with and without it.

Enable it when starting JupyterLab::

    jupyter lab --ServerApp.jpserver_extensions="{'utils.explorer_server': True}"

or once for an environment, with a file ``etc/jupyter/jupyter_server_config.d/
explorer_server.json`` under ``sys.prefix`` holding
``{"ServerApp": {"jpserver_extensions": {"utils.explorer_server": true}}}``.
"""

from __future__ import annotations

import functools


def _jupyter_server_extension_points():
    return [{"module": "utils.explorer_server"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    if getattr(KernelWebsocketHandler, "_explorer_nodelay", False):
        return
    original_open = KernelWebsocketHandler.open

    @functools.wraps(original_open)
    async def open_without_delay(self, *args, **kwargs):
        self.set_nodelay(True)  # TCP_NODELAY on this browser's websocket
        return await original_open(self, *args, **kwargs)

    KernelWebsocketHandler.open = open_without_delay
    KernelWebsocketHandler._explorer_nodelay = True
    serverapp.log.info("utils.explorer_server: kernel websockets send without delay")
