#!/usr/bin/env python3
"""Holds many open event streams against a running server (`make bench`, SPEC §12):
USERS users (user1…) × PER_USER streams each on GET /api/v1/events. Signs everyone in
first and prints `signed_in` (the caller reads the server's memory then, so the sign-ins'
password hashing is not counted as the streams'), opens the streams on SIGUSR1, prints
`streams_open=N` once every stream has its `sync`, then — while they stay open — the
latency from a write (a new task over the API) to the `tasks` event on all of that
user's streams, for SAMPLES users: `event_latency_ms p50=… p99=… max=…`. Then it keeps
the streams open until it gets SIGTERM or SIGINT.

Usage: event-streams.py BASE_URL USERS PER_USER SAMPLES PASSWORD"""
import asyncio
import json
import signal
import statistics
import sys
import time
import urllib.parse


async def request(host, port, method, path, body=None, token=None):
    reader, writer = await asyncio.open_connection(host, port)
    data = json.dumps(body).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    writer.write(head.encode() + b"\r\n" + data)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    status = int(raw.split(b" ", 2)[1])
    return status, json.loads(raw.split(b"\r\n\r\n", 1)[1] or b"null")


class Stream:
    def __init__(self, user):
        self.user = user
        self.synced = asyncio.Event()
        self.task_events = {}  # task id → arrival time

    async def run(self, host, port, token):
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        writer.write(f"GET /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        name = None
        while True:
            line = await reader.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                if name == "sync":
                    self.synced.set()
                elif name == "tasks":
                    now = time.perf_counter()
                    for task_id in json.loads(line[6:])["ids"]:
                        self.task_events.setdefault(task_id, now)
                name = None


async def main():
    base, users, per_user, samples, password = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    url = urllib.parse.urlparse(base)
    host, port = url.hostname, url.port
    gate = asyncio.Semaphore(4)

    async def login(number):
        async with gate:
            status, body = await request(host, port, "POST", "/api/v1/auth/login", {"username": f"user{number}", "password": password})
            assert status == 200, body
            return body["access_token"]

    tokens = await asyncio.gather(*(login(n) for n in range(1, users + 1)))
    go = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, go.set)
    print("signed_in", flush=True)
    await go.wait()
    streams = {}
    tasks = []
    for number, token in enumerate(tokens, start=1):
        streams[number] = [Stream(number) for _ in range(per_user)]
        for stream in streams[number]:
            tasks.append(asyncio.create_task(stream.run(host, port, token)))
    await asyncio.wait_for(asyncio.gather(*(s.synced.wait() for group in streams.values() for s in group)), timeout=120)
    print(f"streams_open={sum(len(g) for g in streams.values())}", flush=True)

    latencies = []
    for number in range(1, samples + 1):
        started = time.perf_counter()
        status, task = await request(host, port, "POST", "/api/v1/tasks", {"title": "live latency probe"}, tokens[number - 1])
        assert status == 201, task
        deadline = time.perf_counter() + 5
        while time.perf_counter() < deadline and not all(task["id"] in s.task_events for s in streams[number]):
            await asyncio.sleep(0.001)
        arrived = [s.task_events.get(task["id"]) for s in streams[number]]
        if None in arrived:
            print(f"event_missing user={number}", flush=True)
            continue
        latencies.append((max(arrived) - started) * 1000)
        await asyncio.sleep(0.05)
    latencies.sort()
    if latencies:
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"event_latency_ms p50={statistics.median(latencies):.2f} p99={p99:.2f} max={latencies[-1]:.2f} samples={len(latencies)}", flush=True)
    print("holding", flush=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()


asyncio.run(main())
