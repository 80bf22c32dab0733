"""Swap the model in the running Rasa without losing a message.

Rasa 3.6 loads a model synchronously inside `PUT /model` (rasa/server.py: load_model →
Agent.load_model), so while it loads it answers nothing at all; requests would pile up and the
gateway's Rasa timeout could drop them. So the gateway closes its SwapGate first: new youth
messages wait in the gateway, messages already at Rasa finish, then Rasa loads the new model
(which keeps the tracker store and lock store, so conversations continue), and the gate opens.
The crisis guard runs before the gate, so crisis help never waits for a swap.
"""

from __future__ import annotations

import aiohttp

from handoff.rasa_client import RasaClient


class SwapFailed(Exception):
    pass


async def swap_model(rasa: RasaClient, model_file: str, timeout_seconds: float) -> str:
    """Loads model_file into Rasa behind the gate; returns the model Rasa now reports."""
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    params = {"token": rasa.token} if rasa.token else {}
    async with rasa.swap_gate.closed(), aiohttp.ClientSession(timeout=timeout) as http:
        try:
            async with http.put(f"{rasa.base_url}/model", params=params,
                                json={"model_file": model_file}) as resp:
                if resp.status != 204:
                    detail = (await resp.text())[:500]
                    raise SwapFailed(f"Rasa answered {resp.status}: {detail}")
            async with http.get(f"{rasa.base_url}/status", params=params) as resp:
                status = await resp.json() if resp.status == 200 else {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SwapFailed(f"Rasa could not be reached: {exc or type(exc).__name__}") from exc
    loaded = str(status.get("model_file", ""))
    return loaded
