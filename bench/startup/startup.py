#!/usr/bin/env python3
"""Cold start and idle memory of `sage run` (standard config, embedded backends). Driven by bench/startup/run.sh.

For each run: spawn `dotnet <sage.dll> run --port-base B` (B free, B..B+2 free), poll GET /health of the three
services every 20 ms, record
  - t_health: spawn -> all three /health answered 200 (the figure the goal is about),
  - t_ready:  spawn -> the launcher printed "all services are up" (after its own health waits and the table);
then stay idle IDLE_SECONDS, read VmRSS of each child from /proc/<pid>/status (children found via
/proc/<launcher>/task/*/children), send SIGINT and wait (bounded) for the launcher to exit.
Prints a markdown summary. Everything started here is killed by PID if anything goes wrong.
"""
import datetime
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SAGE_DLL, RUNS, IDLE_SECONDS = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
START_TIMEOUT, STOP_TIMEOUT = 60.0, 30.0
NAMES = {0: "memory", 1: "kv", 2: "vdb"}


def free_port_base():
    for _ in range(200):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        base = s.getsockname()[1]
        s.close()
        if base + 2 > 65535:
            continue
        ok = True
        for p in (base, base + 1, base + 2):
            t = socket.socket()
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                t.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            finally:
                t.close()
        if ok:
            return base
    raise RuntimeError("no three consecutive free ports")


def health_ok(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def children(pid):
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            out += [int(c) for c in open(f"/proc/{pid}/task/{task}/children").read().split()]
        except OSError:
            pass
    return sorted(set(out))


def descendants(pid):
    result, todo = [], [pid]
    while todo:
        for c in children(todo.pop()):
            result.append(c)
            todo.append(c)
    return result


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def service_of(pid):
    cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
    for part in cmd:
        name = os.path.basename(part.decode(errors="replace"))
        if name.startswith("Sage.") and name.endswith(".dll"):
            return name[:-4]
    return os.path.basename(cmd[0].decode(errors="replace")) if cmd and cmd[0] else str(pid)


def one_run(index, workdir):
    base = free_port_base()
    out_lines, ready_at, stamped = [], [None], []
    t0 = time.monotonic()
    proc = subprocess.Popen(
        ["dotnet", SAGE_DLL, "run", "--port-base", str(base)],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "NO_COLOR": "1", "TERM": "dumb"}, start_new_session=True)

    def pump():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            out_lines.append(line)
            stamped.append((time.monotonic() - t0, line))
            if ready_at[0] is None and "all services are up" in line:
                ready_at[0] = time.monotonic() - t0
    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        healthy, t_health = set(), None
        while time.monotonic() - t0 < START_TIMEOUT and proc.poll() is None:
            for i in range(3):
                if i not in healthy and health_ok(base + i):
                    healthy.add(i)
            if len(healthy) == 3:
                t_health = time.monotonic() - t0
                break
            time.sleep(0.02)
        if t_health is None:
            raise RuntimeError(f"run {index}: not healthy within {START_TIMEOUT}s (exit {proc.poll()}):\n" + "\n".join(out_lines[-30:]))
        # CPU seconds the launcher and its children used to get there: less sensitive to other load than wall time.
        cpu = sum(cpu_seconds(p) for p in [proc.pid] + descendants(proc.pid))
        deadline = time.monotonic() + 15
        while ready_at[0] is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(IDLE_SECONDS)
        rss = {}
        for pid in descendants(proc.pid):
            try:
                rss[service_of(pid)] = rss_mb(pid)
            except OSError:
                pass
        rss["sage (launcher)"] = rss_mb(proc.pid)
        # Stop like Ctrl+C and time the clean shutdown.
        s0 = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            code = None
        t_stop = time.monotonic() - s0
        phases = "; ".join(f"{t:.2f}s {l.split('sage:', 1)[-1].strip()[:48]}" for t, l in stamped if "started" in l or "all services" in l)
        return {"base": base, "t_health": t_health, "cpu": cpu, "phases": phases, "t_ready": ready_at[0], "rss": rss, "t_stop": t_stop, "exit": code}
    finally:
        if proc.poll() is None:
            for pid in reversed(descendants(proc.pid)):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=5)


def main():
    results = []
    with tempfile.TemporaryDirectory(prefix="sage-startup-") as workdir:
        for i in range(1, RUNS + 1):
            load = open("/proc/loadavg").read().split()[:3]
            r = one_run(i, workdir)
            results.append(r)
            rss = ", ".join(f"{k} {v:.0f} MB" for k, v in sorted(r["rss"].items()))
            ready = f"{r['t_ready']:.2f}s" if r["t_ready"] is not None else "n/a"
            print(f"[startup] run {i}/{RUNS} (loadavg {' '.join(load)}): all /health 200 after {r['t_health']:.2f}s, "
                  f"'all services are up' after {ready}; CPU {r['cpu']:.2f}s; idle RSS: {rss}; SIGINT -> exit {r['exit']} in {r['t_stop']:.2f}s",
                  file=sys.stderr, flush=True)
            print(f"[startup]   launcher timeline: {r['phases']}", file=sys.stderr, flush=True)
    med = statistics.median
    th = [r["t_health"] for r in results]
    tr = [r["t_ready"] for r in results if r["t_ready"] is not None]
    services = sorted({k for r in results for k in r["rss"]})
    print(f"\n### Cold start and idle memory — {datetime.date.today().isoformat()}, {os.cpu_count()} cores, {RUNS} runs, "
          f"idle {IDLE_SECONDS:.0f}s before reading RSS\n")
    print("| measure | median | min | max | goal | verdict |")
    print("|---|---:|---:|---:|---|---|")
    print(f"| spawn → all three /health 200 | {med(th):.2f} s | {min(th):.2f} s | {max(th):.2f} s | ≤ 3 s | "
          f"{'met' if med(th) <= 3 else 'NOT met'} ({med(th) / 3 * 100:.0f}% of budget) |")
    if tr:
        print(f"| spawn → launcher prints \"all services are up\" | {med(tr):.2f} s | {min(tr):.2f} s | {max(tr):.2f} s | | |")
    for s in services:
        vals = [r["rss"][s] for r in results if s in r["rss"]]
        goal = "" if s.startswith("sage") or not s.startswith("Sage.") else "≤ 100 MB"
        verdict = "" if not goal else ("met" if med(vals) <= 100 else "NOT met") + f" ({med(vals):.0f}% of budget)"
        print(f"| idle RSS {s} | {med(vals):.0f} MB | {min(vals):.0f} MB | {max(vals):.0f} MB | {goal} | {verdict} |")
    cpus = [r["cpu"] for r in results]
    print(f"| CPU time (launcher + services) until healthy | {med(cpus):.2f} s | {min(cpus):.2f} s | {max(cpus):.2f} s | | |")
    stops = [r["t_stop"] for r in results]
    print(f"\nFirst run (coldest page cache): {th[0]:.2f} s. Stop on SIGINT: median {med(stops):.2f} s, "
          f"exit codes {[r['exit'] for r in results]}.")


if __name__ == "__main__":
    main()
