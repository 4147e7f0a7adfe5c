#!/usr/bin/env python3
"""Times `docker service ls` as a whole CLI process (start, HEAD /_ping, GET /services?status=true,
print, exit) against Shoal's gateway or against the local engine in swarm mode, with the same
services on both.

  # Shoal (shoal dev running with the Docker runtime on --api-port 2385):
  python3 scripts/bench-docker-cli.py --host tcp://127.0.0.1:2385
  # the local engine, put in swarm mode for the run and taken out of it afterwards:
  python3 scripts/bench-docker-cli.py --engine-swarm

Each target gets N services (1 replica of local/busybox:1 each), waits until they all run, times
R runs of `docker service ls` after a few warm-up runs, prints min / median / p90 / mean / max, and
removes the services.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

IMAGE = "local/busybox:1"


def docker(host, *args, check=True):
    env = dict(os.environ)
    env.pop("DOCKER_HOST", None)
    env.pop("DOCKER_CONTEXT", None)
    if host:
        env["DOCKER_HOST"] = host
    env["DOCKER_CONFIG"] = CONFIG
    r = subprocess.run(["docker", *args], env=env, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"docker {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r


def timed_runs(host, runs, warmup):
    env = dict(os.environ)
    env.pop("DOCKER_HOST", None)
    env.pop("DOCKER_CONTEXT", None)
    if host:
        env["DOCKER_HOST"] = host
    env["DOCKER_CONFIG"] = CONFIG
    times = []
    for i in range(warmup + runs):
        t0 = time.perf_counter_ns()
        r = subprocess.run(["docker", "service", "ls"], env=env, capture_output=True, text=True)
        t1 = time.perf_counter_ns()
        if r.returncode != 0:
            sys.exit(f"docker service ls failed: {r.stderr.strip()}")
        if i >= warmup:
            times.append((t1 - t0) / 1e6)
    return times


def bench(host, services, runs, warmup, label):
    names = [f"bench{i}" for i in range(services)]
    try:
        for n in names:
            docker(host, "service", "create", "--detach", "--name", n, IMAGE, "/bin/sleep", "3600")
        deadline = time.time() + 180
        while True:
            out = docker(host, "service", "ls").stdout
            if all(f"{n} " in out for n in names) and out.count("1/1") >= services:
                break
            if time.time() > deadline:
                sys.exit("services did not converge:\n" + out)
            time.sleep(0.5)
        times = timed_runs(host, runs, warmup)
    finally:
        docker(host, "service", "rm", *names, check=False)
    q = statistics.quantiles(times, n=10)
    print(f"{label}: docker service ls with {services} services, {runs} runs: "
          f"min {min(times):.1f} / median {statistics.median(times):.1f} / p90 {q[8]:.1f} / "
          f"mean {statistics.mean(times):.1f} / max {max(times):.1f} ms")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", help="DOCKER_HOST of the target (Shoal's gateway)")
    p.add_argument("--engine-swarm", action="store_true",
                   help="bench the local engine, in swarm mode only for the run (127.0.0.1; left afterwards)")
    p.add_argument("--services", type=int, default=10)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    a = p.parse_args()
    if a.engine_swarm:
        state = docker(None, "info", "--format", "{{.Swarm.LocalNodeState}}").stdout.strip()
        if state != "inactive":
            sys.exit(f"the local engine is already in swarm mode ({state}); not touching it")
        docker(None, "swarm", "init", "--advertise-addr", "127.0.0.1")
        try:
            bench(None, a.services, a.runs, a.warmup, "engine (swarm mode)")
        finally:
            docker(None, "swarm", "leave", "--force", check=False)
    elif a.host:
        bench(a.host, a.services, a.runs, a.warmup, f"shoal ({a.host})")
    else:
        sys.exit("give --host tcp://HOST:PORT (Shoal) or --engine-swarm")


CONFIG = tempfile.mkdtemp(prefix="bench-docker-config")

if __name__ == "__main__":
    main()
