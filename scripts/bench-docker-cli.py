#!/usr/bin/env python3
"""Times `docker service ls` as a whole CLI process (start, HEAD /_ping, GET /services?status=true,
print, exit) against Shoal's gateway or against the local engine in swarm mode, with the same
services on both.

  # Shoal (shoal dev running with the Docker runtime on --api-port 2385) against the local engine,
  # which is put in swarm mode for the run and taken out of it afterwards:
  python3 scripts/bench-docker-cli.py --host tcp://127.0.0.1:2385 --engine-swarm
  # one target only:
  python3 scripts/bench-docker-cli.py --host tcp://127.0.0.1:2385
  python3 scripts/bench-docker-cli.py --engine-swarm

Each target gets N services (1 replica of local/busybox:1 each) and waits until they all run; then
R runs of `docker service ls` per target are timed after a few warm-up runs, alternating between the
targets so that the load of a shared machine falls on both alike; it prints min / median / p90 /
mean / max per target and removes the services.
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


def env_for(host):
    env = dict(os.environ)
    env.pop("DOCKER_HOST", None)
    env.pop("DOCKER_CONTEXT", None)
    if host:
        env["DOCKER_HOST"] = host
    env["DOCKER_CONFIG"] = CONFIG
    return env


def time_once(host):
    t0 = time.perf_counter_ns()
    r = subprocess.run(["docker", "service", "ls"], env=env_for(host), capture_output=True, text=True)
    t1 = time.perf_counter_ns()
    if r.returncode != 0:
        sys.exit(f"docker service ls failed: {r.stderr.strip()}")
    return (t1 - t0) / 1e6


def create_services(host, names):
    for n in names:
        docker(host, "service", "create", "--detach", "--name", n, IMAGE, "/bin/sleep", "3600")
    deadline = time.time() + 180
    while True:
        out = docker(host, "service", "ls").stdout
        if all(f"{n} " in out for n in names) and out.count("1/1") >= len(names):
            return
        if time.time() > deadline:
            sys.exit("services did not converge:\n" + out)
        time.sleep(0.5)


def bench(targets, services, runs, warmup):
    """targets: list of (label, host); host None is the local engine."""
    names = [f"bench{i}" for i in range(services)]
    try:
        for _, host in targets:
            create_services(host, names)
        times = {label: [] for label, _ in targets}
        for i in range(warmup + runs):
            for label, host in targets:
                t = time_once(host)
                if i >= warmup:
                    times[label].append(t)
    finally:
        for _, host in targets:
            docker(host, "service", "rm", *names, check=False)
    for label, ts in times.items():
        q = statistics.quantiles(ts, n=10)
        print(f"{label}: docker service ls with {services} services, {runs} runs: "
              f"min {min(ts):.1f} / median {statistics.median(ts):.1f} / p90 {q[8]:.1f} / "
              f"mean {statistics.mean(ts):.1f} / max {max(ts):.1f} ms")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", help="DOCKER_HOST of Shoal's gateway")
    p.add_argument("--engine-swarm", action="store_true",
                   help="also bench the local engine, in swarm mode only for the run (127.0.0.1; left afterwards)")
    p.add_argument("--services", type=int, default=10)
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--warmup", type=int, default=5)
    a = p.parse_args()
    targets = []
    if a.host:
        targets.append((f"shoal ({a.host})", a.host))
    if not a.engine_swarm:
        if not targets:
            sys.exit("give --host tcp://HOST:PORT (Shoal) and/or --engine-swarm")
        bench(targets, a.services, a.runs, a.warmup)
        return
    state = docker(None, "info", "--format", "{{.Swarm.LocalNodeState}}").stdout.strip()
    if state != "inactive":
        sys.exit(f"the local engine is already in swarm mode ({state}); not touching it")
    gwbridge_before = docker(None, "network", "inspect", "docker_gwbridge", check=False).returncode == 0
    docker(None, "swarm", "init", "--advertise-addr", "127.0.0.1")
    try:
        bench(targets + [("engine (swarm mode)", None)], a.services, a.runs, a.warmup)
    finally:
        docker(None, "swarm", "leave", "--force", check=False)
        if not gwbridge_before:
            # swarm init created it; leave the engine as it was
            docker(None, "network", "rm", "docker_gwbridge", check=False)


CONFIG = tempfile.mkdtemp(prefix="bench-docker-config")

if __name__ == "__main__":
    main()
