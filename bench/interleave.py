"""Paired, interleaved timing (issue 7), beside hyperfine's runs.

hyperfine runs all of one command's runs, then all of the next's, so on a shared machine
whose load changes during the run (load averages here went from 50 to 100 within a
minute) the later command meets a different machine. This runs the commands round-robin,
A B C A B C ..., so that every command sees the same load on average, and reports the
ratios of medians, means and minimums of wall time and of CPU time (user + system of the
command and its waited-for children, from wait4) of each command against each earlier one.

Usage: interleave.py RUNS WARMUP NAME PREPARE COMMAND [NAME PREPARE COMMAND]...
PREPARE and COMMAND are split like a shell would (no shell runs them); PREPARE "-" is none,
else it runs, untimed, before every run of its command. A command that exits non-zero
fails the whole measurement: every timed run must have been a success.
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(argv):
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime


def main(argv):
    if len(argv) < 6 or (len(argv) - 3) % 3 != 0:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    runs, warmup = int(argv[1]), int(argv[2])
    cmds = []
    for i in range(3, len(argv), 3):
        prep = None if argv[i + 1] == "-" else shlex.split(argv[i + 1])
        cmds.append((argv[i], prep, shlex.split(argv[i + 2])))
    wall = [[] for _ in cmds]
    cpu = [[] for _ in cmds]
    for r in range(warmup + runs):
        for k, (name, prep, cmd) in enumerate(cmds):
            if prep is not None:
                subprocess.run(prep, check=True, stdout=subprocess.DEVNULL)
            rc, w, c = run_once(cmd)
            if rc != 0:
                print(f"FAIL: '{name}' exited {rc} (run {r + 1})", file=sys.stderr)
                return 1
            if r >= warmup:
                wall[k].append(w)
                cpu[k].append(c)
    print(f"interleaved, {runs} runs each after {warmup} warm-up rounds (times in ms)")
    print(f"  {'command':64s} {'median':>8s} {'mean':>8s} {'min':>8s} {'CPU med':>8s}")
    for k, (name, _, _) in enumerate(cmds):
        print(f"  {name[:64]:64s} {statistics.median(wall[k]) * 1e3:8.2f}"
              f" {statistics.mean(wall[k]) * 1e3:8.2f} {min(wall[k]) * 1e3:8.2f}"
              f" {statistics.median(cpu[k]) * 1e3:8.2f}")
    for k in range(1, len(cmds)):
        for base in range(k):
            def ratio(f, data):
                return f(data[k]) / f(data[base])
            print(f"  {cmds[k][0][:44]} / {cmds[base][0][:44]}: "
                  f"median {ratio(statistics.median, wall):.3f}, "
                  f"mean {ratio(statistics.mean, wall):.3f}, "
                  f"min {ratio(min, wall):.3f}, "
                  f"CPU median {ratio(statistics.median, cpu):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
