"""stoatpy_test.py: stoat.py 1.2 against stoat-mock's events WebSocket (issue 15 item 8).

A bot as its developer writes it: Client(token=..., bot=True, http_base=...,
websocket_base=...).start(), with handlers subscribed to the events it should see
(spec/events.md section 6): ReadyEvent; UserUpdateEvent when its owner renames it;
ServerCreateEvent and PrivateChannelCreateEvent when it is invited; LogoutEvent when its
token is reset, after which start() ends with AuthenticationError, as against the real
server (section 7).

stoat.py is not a dependency of stoat-mock and is never committed: this file imports it
from the source tree STOAT_PY_SRC points at (its git repository, MCausc78/stoat.py,
1.2.0). It needs Python >= 3.10 with aiohttp and attrs (Debian: python3-aiohttp,
python3-attr). Without STOAT_PY_SRC every test is skipped, saying so.
Run: STOAT_PY_SRC=DIR STOAT_MOCK_BIN=build/stoat-mock python3 tests/gateway/stoatpy_test.py
"""

import asyncio
import json
import os
import re
import sys
import tempfile
import unittest

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("STOAT_MOCK_BIN", os.path.join(ROOT, "build", "stoat-mock"))
SRC = os.environ.get("STOAT_PY_SRC")
WAIT = 10.0  # seconds, for every wait

with open(os.path.join(ROOT, "fixtures", "default.json"), encoding="utf-8") as f:
    _doc = json.load(f)
ALICE_SESSION = _doc["users"][0]["sessions"][0]["token"]  # owns HelperBot
CAROL = _doc["users"][2]
HELPER = _doc["bots"][0]
SERVER = _doc["servers"][0]["_id"]  # alice's
GROUP = _doc["channels"][0]["_id"]  # alice's group

stoat = None
if SRC:
    sys.path.insert(0, SRC)
    import stoat  # noqa: E402  (from STOAT_PY_SRC)


class Mock:
    """One stoat-mock on a free port of 127.0.0.1."""

    async def start(self, *args):
        self.err = tempfile.TemporaryFile()
        self.proc = await asyncio.create_subprocess_exec(
            BIN, "--port", "0", "--host", "127.0.0.1", "--quiet", *args,
            stdout=asyncio.subprocess.PIPE, stderr=self.err)
        line = (await asyncio.wait_for(self.proc.stdout.readline(), WAIT)).decode()
        m = re.search(r"listening on (http://\S+:\d+)", line)
        if not m:
            raise RuntimeError(f"stoat-mock did not start: {line!r} {self.stderr()}")
        self.url = m.group(1)
        self.http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=WAIT))
        self.ws = (await self.call("GET", "/"))["ws"]
        return self

    def stderr(self):
        self.err.seek(0)
        return self.err.read().decode(errors="replace")

    async def call(self, method, path, body=None, session=None, status=200):
        headers = {"x-session-token": session} if session else {}
        async with self.http.request(method, self.url + path, json=body, headers=headers) as r:
            text = await r.text()
            if r.status != status:
                raise AssertionError(f"{method} {path}: {r.status} {text}")
            return json.loads(text) if text else None

    async def stop(self):
        await self.http.close()
        if self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), WAIT)
            except asyncio.TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        self.err.close()


class Seen:
    """Every event of the given types the client dispatches, in queues to wait on."""

    def __init__(self, client, task, *types):
        self.task = task
        self.queues = {t: asyncio.Queue() for t in types}
        for t, q in self.queues.items():
            client.subscribe(t, q.put_nowait)

    async def next(self, t, check=lambda e: True):
        """The next event of type t for which check holds; fails at once if start() ends first."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while True:
            get = asyncio.ensure_future(self.queues[t].get())
            done, _ = await asyncio.wait({get, self.task}, timeout=deadline - loop.time(),
                                         return_when=asyncio.FIRST_COMPLETED)
            if get not in done:
                get.cancel()
                if self.task in done:
                    raise AssertionError(f"start() ended before {t.__name__}: {self.task.exception()!r}")
                raise AssertionError(f"no {t.__name__} within {WAIT} s")
            if check(get.result()):
                return get.result()


@unittest.skipUnless(SRC, "STOAT_PY_SRC is not set: it must point at a stoat.py 1.2 source tree (not bundled, no PyPI here)")
class StoatPyBot(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.mock = await Mock().start()
        self.tasks = []

    async def asyncTearDown(self):
        for client, task in self.tasks:
            try:
                await client.close()
            except Exception:  # already closed by the server's end of it
                pass
            if not task.done():
                task.cancel()
            try:
                await asyncio.wait_for(task, WAIT)
            except (asyncio.CancelledError, Exception):
                pass
        await self.mock.stop()

    def client(self, token, bot=True):
        client = stoat.Client(token=token, bot=bot, http_base=self.mock.url, websocket_base=self.mock.ws)
        task = asyncio.create_task(client.start())
        seen = Seen(client, task, stoat.ReadyEvent, stoat.UserUpdateEvent, stoat.ServerCreateEvent,
                    stoat.PrivateChannelCreateEvent, stoat.LogoutEvent)
        self.tasks.append((client, task))
        return client, seen, task

    async def test_bot_lifecycle(self):
        """Ready, rename, invites, token reset: the events a bot sees, then AuthenticationError."""
        client, seen, task = self.client(HELPER["token"])
        ready = await seen.next(stoat.ReadyEvent)
        self.assertEqual(ready.me.id, HELPER["_id"])
        self.assertEqual(ready.me.name, "HelperBot")
        self.assertEqual(ready.servers, [])

        await self.mock.call("PATCH", f"/bots/{HELPER['_id']}", {"name": "Renamed"}, session=ALICE_SESSION)
        update = await seen.next(stoat.UserUpdateEvent, lambda e: e.user.name is not stoat.UNDEFINED)
        self.assertEqual(update.user.id, HELPER["_id"])
        self.assertEqual(update.user.name, "Renamed")
        self.assertEqual(update.after.name, "Renamed")

        await self.mock.call("POST", f"/bots/{HELPER['_id']}/invite", {"server": SERVER}, session=ALICE_SESSION, status=204)
        created = await seen.next(stoat.ServerCreateEvent)
        self.assertEqual(created.server.id, SERVER)
        self.assertEqual(created.server.name, "Alice's Server")

        await self.mock.call("POST", f"/bots/{HELPER['_id']}/invite", {"group": GROUP}, session=ALICE_SESSION, status=204)
        joined = await seen.next(stoat.PrivateChannelCreateEvent)
        self.assertEqual(joined.channel.id, GROUP)
        self.assertIsInstance(joined.channel, stoat.GroupChannel)
        self.assertIn(HELPER["_id"], joined.channel.recipient_ids)

        await self.mock.call("PATCH", f"/bots/{HELPER['_id']}", {"remove": ["Token"]}, session=ALICE_SESSION)
        await seen.next(stoat.LogoutEvent)
        # stoat.py reconnects with the old token; the Error frame ends start()
        with self.assertRaises(stoat.AuthenticationError):
            await asyncio.wait_for(task, WAIT)

    async def test_user_session(self):
        """A user's session token (bot=False) authenticates the same way."""
        client, seen, task = self.client(CAROL["sessions"][0]["token"], bot=False)
        ready = await seen.next(stoat.ReadyEvent)
        self.assertEqual(ready.me.id, CAROL["_id"])
        self.assertFalse(task.done())

    async def test_bad_token(self):
        """An unknown token: start() fails with AuthenticationError at once."""
        client, seen, task = self.client("not-a-token")
        with self.assertRaises(stoat.AuthenticationError):
            await asyncio.wait_for(task, WAIT)

    async def test_deleted_bot(self):
        """Deleting the bot: a UserUpdateEvent to "Deleted User ...", and the connection stays."""
        client, seen, task = self.client(HELPER["token"])
        await seen.next(stoat.ReadyEvent)
        await self.mock.call("DELETE", f"/bots/{HELPER['_id']}", session=ALICE_SESSION, status=204)
        update = await seen.next(stoat.UserUpdateEvent, lambda e: e.user.name is not stoat.UNDEFINED)
        self.assertEqual(update.user.name, f"Deleted User {HELPER['_id']}")
        self.assertEqual(update.user.discriminator, "0000")
        await asyncio.sleep(1.5)  # more than stoat.py's reconnect delay: it has not been disconnected
        self.assertFalse(task.done())


if __name__ == "__main__":
    unittest.main(verbosity=2)
