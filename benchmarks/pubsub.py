"""Pubsub speed of fakeipfs next to kubo's own pubsub, measured in one run.

    python benchmarks/pubsub.py [--messages 20000] [--client-messages 2000] [--kubo-messages 2000]
                                [--timeout 600]

fakeipfs: a 3-node network (fully connected, no faults), the publisher on node 0, 1 or 10
subscribers on the other nodes (alternately on node 2 and node 1), 64-byte payloads:

- **latency**: one message at a time; for each subscriber, the time from the ``publish`` call
  to that subscriber's read of it (read one after the other in the publishing thread), p50/p99;
- **messages/s**: ``--messages`` published in a burst, then every subscriber drained; messages
  delivered to all subscribers per second.

Both natively (``node.pubsub.publish`` / ``Subscription.next``) and through a genuine
``ipfshttpclient`` 0.7 wired in-process (``fakeipfs.transport.client``: ``pubsub.publish`` and
the ``pubsub.subscribe`` NDJSON stream, kubo 0.7.0's wire).

kubo: the real kubo v0.22 library (``conformance/targets/kubo_lib.py``, alone in a private
network namespace), timed inside its process: with 1 subscriber its ``pubsub_bench`` op
(self-delivery: a lone kubo node hears its own messages; sequential for latency, burst for
messages/s); with 10, subscribe 10 times, then per message one ``publish`` op and a ``next`` op
per subscription (each op's own wall time in the child). Its ``PubSubNextMessage`` does not
block: the harness polls every 0.2 ms, which counts in kubo's latency.

Last, the time to build a 100-node fully connected ``fakeipfs.Network`` (best of 3).

Goals (reference machine, 2 cores): native >= 100x kubo's messages/s with p50 <= 20 us;
through ipfshttpclient in process >= 3x kubo's messages/s; 100-node network in under 1 s.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import warnings
from typing import Any, Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from fakeipfs import transport  # noqa: E402
from fakeipfs.network import Network  # noqa: E402

warnings.filterwarnings("ignore", message="The 'strict' parameter", category=FutureWarning)  # urllib3 vs ipfshttpclient

SIZE = 64
SUBSCRIBERS = (1, 10)
GOAL_NATIVE_RATIO, GOAL_NATIVE_P50_US, GOAL_CLIENT_RATIO, GOAL_BUILD_S = 100, 20, 3, 1.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def payload(i: int) -> bytes:
    """ASCII (kubo 0.7.0's wire sends ``pub`` data as a URL argument): the index, padded."""
    return b"%08d" % i + b"x" * (SIZE - 8)


class Figures:
    def __init__(self, latencies: list[float], msgs_per_s: float) -> None:
        self.p50 = percentile(latencies, 0.50)
        self.p99 = percentile(latencies, 0.99)
        self.msgs_per_s = msgs_per_s

    def row(self, label: str) -> str:
        return (f"  {label:<34} p50 {self.p50 * 1e6:9.1f} us   p99 {self.p99 * 1e6:9.1f} us   "
                f"{self.msgs_per_s:12,.0f} msg/s")


def measure(publish: Callable[[bytes], None], readers: list[Callable[[], bytes]],
            rounds: int, burst: int) -> Figures:
    """Sequential rounds for latency, then a burst for throughput (each read is checked)."""
    latencies: list[float] = []
    payloads = [payload(i) for i in range(max(rounds, burst))]
    for i in range(rounds):
        data = payloads[i]
        started = time.perf_counter()
        publish(data)
        for read in readers:
            got = read()
            latencies.append(time.perf_counter() - started)
            assert got == data, (got, data)
    started = time.perf_counter()
    for i in range(burst):
        publish(payloads[i])
    for read in readers:
        for i in range(burst):
            got = read()
            assert got == payloads[i]
    return Figures(latencies, burst / (time.perf_counter() - started))


def subscriber_nodes(net: Network, n: int) -> list[Any]:
    return [net.nodes[2 - k % 2] for k in range(n)]


def native(n: int, messages: int) -> Figures:
    net = Network(3, seed="bench")
    subs = [node.pubsub.subscribe("bench") for node in subscriber_nodes(net, n)]
    ps = net.nodes[0].pubsub
    return measure(lambda data: ps.publish("bench", data),
                   [lambda sub=sub: sub.next(5).data for sub in subs], min(messages, 5000), messages)


def through_client(n: int, messages: int) -> Figures:
    import base64
    net = Network(3, seed="bench")
    publisher = transport.client(net.nodes[0])
    channels = [transport.client(node).pubsub.subscribe("bench") for node in subscriber_nodes(net, n)]
    net.wait_for_subscribers("bench", len({id(n) for n in subscriber_nodes(net, n)}))
    streams = [iter(channel) for channel in channels]

    def reader(stream: Any) -> Callable[[], bytes]:
        return lambda: base64.b64decode(next(stream)["data"])

    try:
        return measure(lambda data: publisher.pubsub.publish("bench", data.decode("ascii")),
                       [reader(s) for s in streams], min(messages, 1000), messages)
    finally:
        for channel in channels:
            channel.close()


def kubo(n: int, messages: int) -> "Figures | str":
    """kubo's figures, or why they could not be measured."""
    try:
        from conformance.targets import kubo_lib
    except ImportError as exc:
        return f"conformance.targets.kubo_lib not importable ({exc})"
    reason = kubo_lib.available()
    if reason is not None:
        return f"kubo_lib unavailable: {reason}"
    if n == 1:
        ops = [{"op": "pubsub_enable"},
               {"op": "pubsub_bench", "topic": "lat", "count": min(messages, 1000), "size": SIZE,
                "mode": "sequential", "timeout": 60},
               {"op": "pubsub_bench", "topic": "burst", "count": messages, "size": SIZE,
                "mode": "burst", "timeout": 120}]
        results = kubo_lib.run_session(ops, timeout=300).results
        sequential, burst = results[1], results[2]
        for result in (sequential, burst):
            if result.get("publish_errors") or "error" in result:
                return f"kubo pubsub_bench failed: {result}"
        return Figures(sequential["latencies"][:sequential["received"]], burst["msgs_per_s"])
    rounds = min(messages, 300)
    ops: list[dict[str, Any]] = [{"op": "pubsub_enable"}]
    ops += [{"op": "subscribe", "topic": "bench", "name": f"s{k}"} for k in range(n)]
    for i in range(rounds):
        ops.append({"op": "publish", "topic": "bench", "data": payload(i).decode("ascii")})
        ops += [{"op": "next", "sub": f"s{k}", "timeout": 5} for k in range(n)]
    results = kubo_lib.run_session(ops, timeout=300).results
    latencies: list[float] = []
    total = 0.0
    for i in range(rounds):
        base = 1 + n + i * (n + 1)
        elapsed = results[base]["seconds"]
        for k in range(n):
            got = results[base + 1 + k]
            if got.get("message") is None:
                return f"kubo dropped a message in round {i}: {got}"
            elapsed += got["seconds"]
            latencies.append(elapsed)
        total += elapsed
    return Figures(latencies, rounds / total)


def build_seconds() -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        Network(100, seed="build")
        best = min(best, time.perf_counter() - started)
    return best


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000, help="native burst size")
    parser.add_argument("--client-messages", type=int, default=2000, help="ipfshttpclient burst size")
    parser.add_argument("--kubo-messages", type=int, default=2000, help="kubo burst size")
    parser.add_argument("--timeout", type=int, default=600, help="bound on the whole run (s)")
    args = parser.parse_args()
    signal.alarm(args.timeout)

    print(f"pubsub, 3-node network, {SIZE}-byte messages, publisher on node 0")
    rows: dict[tuple[str, int], "Figures | str"] = {}
    for n in SUBSCRIBERS:
        rows[("kubo", n)] = kubo(n, args.kubo_messages)
        rows[("native", n)] = native(n, args.messages)
        rows[("client", n)] = through_client(n, args.client_messages)
    labels = {"kubo": "kubo v0.22 library", "native": "fakeipfs native",
              "client": "fakeipfs ipfshttpclient in-process"}
    for n in SUBSCRIBERS:
        print(f"\n{n} subscriber{'s' if n > 1 else ''}:")
        for kind in ("kubo", "native", "client"):
            figures = rows[(kind, n)]
            label = f"{labels[kind]}"
            print(figures.row(label) if isinstance(figures, Figures)
                  else f"  {label:<34} not measured: {figures}")
    seconds = build_seconds()
    print(f"\n100-node full-mesh Network built in {seconds * 1000:.1f} ms (best of 3)")

    print("\ngoals:")
    for n in SUBSCRIBERS:
        reference = rows[("kubo", n)]
        ours, client = rows[("native", n)], rows[("client", n)]
        assert isinstance(ours, Figures) and isinstance(client, Figures)
        if isinstance(reference, Figures):
            ratio = ours.msgs_per_s / reference.msgs_per_s
            client_ratio = client.msgs_per_s / reference.msgs_per_s
            print(f"  {n:>2} sub: native {ratio:8.1f}x kubo msg/s (goal >= {GOAL_NATIVE_RATIO}x: "
                  f"{verdict(ratio >= GOAL_NATIVE_RATIO)}), p50 {ours.p50 * 1e6:.1f} us (goal <= "
                  f"{GOAL_NATIVE_P50_US} us: {verdict(ours.p50 * 1e6 <= GOAL_NATIVE_P50_US)}); "
                  f"ipfshttpclient {client_ratio:.1f}x kubo (goal >= {GOAL_CLIENT_RATIO}x: "
                  f"{verdict(client_ratio >= GOAL_CLIENT_RATIO)})")
        else:
            print(f"  {n:>2} sub: ratios not measured (kubo: {reference}); native p50 "
                  f"{ours.p50 * 1e6:.1f} us (goal <= {GOAL_NATIVE_P50_US} us: "
                  f"{verdict(ours.p50 * 1e6 <= GOAL_NATIVE_P50_US)})")
    print(f"  100-node network {seconds:.3f} s (goal < {GOAL_BUILD_S} s: {verdict(seconds < GOAL_BUILD_S)})")


if __name__ == "__main__":
    main()
