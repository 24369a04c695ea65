"""Scoring API speed: requests/s and p50/p99 latency for 1 and 100 beats per request, onnxruntime against torch.

Run: `.venv/bin/python benchmarks/bench_serve.py [--model PATH] [--seconds 5] [--concurrency 8]`
Each engine is served by a real `python -m anomaly_core serve` process on a free loopback port (stopped by PID);
the load comes from a bounded asyncio client here: `concurrency` keep-alive connections, each one request at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from anomaly_core import load_ecg5000  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(model: Path, engine: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-m", "anomaly_core", "serve", "--model", str(model), "--engine", engine, "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                if answer.status == 200:
                    return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the {engine} server did not start")


def request_bytes(beats: np.ndarray) -> bytes:
    body = json.dumps(beats.tolist()).encode()
    head = f"POST /score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


async def worker(port: int, payload: bytes, stop_at: float, latencies: list[float]) -> None:
    """One keep-alive connection sending requests back to back until `stop_at`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise RuntimeError(head.decode(errors="replace"))
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def load(port: int, payload: bytes, seconds: float, concurrency: int) -> dict[str, float]:
    await asyncio.gather(*(worker(port, payload, time.perf_counter() + 0.5, []) for _ in range(concurrency)))  # warm-up
    latencies: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(worker(port, payload, started + seconds, latencies) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    ms = np.array(latencies) * 1000
    return {"rps": len(ms) / elapsed, "p50": float(np.percentile(ms, 50)), "p99": float(np.percentile(ms, 99)), "n": len(ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "assets" / "default_model.safetensors")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    signals = load_ecg5000().signals
    payloads = {1: request_bytes(signals[:1]), 100: request_bytes(signals[:100])}
    results: dict[tuple[str, int], dict[str, float]] = {}
    for engine in ("torch", "onnx"):
        server, port = start_server(args.model, engine)
        try:
            for beats, payload in payloads.items():
                results[engine, beats] = asyncio.run(load(port, payload, args.seconds, args.concurrency))
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"{os.cpu_count()} cores, {args.concurrency} connections, {args.seconds:g} s per row, model {args.model.name}")
    print(f"{'engine':<7}{'beats/req':>10}{'req/s':>10}{'beats/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}")
    for (engine, beats), r in results.items():
        print(f"{engine:<7}{beats:>10}{r['rps']:>10.0f}{r['rps'] * beats:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['n']:>10}")
    for beats in payloads:
        ratio = results["onnx", beats]["rps"] / results["torch", beats]["rps"]
        p99 = results["torch", beats]["p99"] / results["onnx", beats]["p99"]
        print(f"{beats} beat(s)/request: onnxruntime / torch = {ratio:.2f}x requests/s, torch p99 / onnx p99 = {p99:.2f}x")
    print(f"median ratio: {statistics.median(results['onnx', b]['rps'] / results['torch', b]['rps'] for b in payloads):.2f}x")


if __name__ == "__main__":
    main()
