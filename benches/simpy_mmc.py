"""Benchmark (a) in SimPy, for comparison with `staffsim bench`.

One queue, M/M/12: 100 arrivals per hour, exponential 6-minute handle time,
nobody abandons; prints simulated tickets per second of wall time. Not needed to
build or test staffsim: `pip install simpy` to run it.

    python3 benches/simpy_mmc.py [TICKETS]
"""

import random
import sys
import time

import simpy


def customer(env, agents, waits):
    arrival = env.now
    with agents.request() as request:
        yield request
        waits.append(env.now - arrival)
        yield env.timeout(random.expovariate(1 / 360.0))


def source(env, agents, waits, limit):
    for _ in range(limit):
        yield env.timeout(random.expovariate(100 / 3600.0))
        env.process(customer(env, agents, waits))


def main():
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    random.seed(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=12)
    waits = []
    started = time.perf_counter()
    env.process(source(env, agents, waits, tickets))
    env.run()
    seconds = time.perf_counter() - started
    asa = sum(waits) / len(waits)
    print(f"simpy: {tickets} tickets in {seconds:.2f} s = {tickets / seconds:,.0f} tickets/s (ASA {asa:.1f} s; Erlang C 80.9 s)")


if __name__ == "__main__":
    main()
