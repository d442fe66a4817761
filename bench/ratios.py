"""Ratios from one hyperfine --export-json run (issue 7): each command against a baseline.

Usage: ratios.py RESULT.json BASE OTHER... (indexes into the run's results, in the order the
commands were given). Prints, for each OTHER, the ratio of mean, median and min wall time and
of CPU time (user + system, children included) to BASE's.
"""
import json
import sys


def main(argv):
    if len(argv) < 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results = json.load(open(argv[1]))["results"]
    base = results[int(argv[2])]
    for i in argv[3:]:
        other = results[int(i)]
        print(f"{other['command']}  vs  {base['command']}")
        for k in ("mean", "median", "min"):
            print(f"  ratio of {k:6s}: {other[k] / base[k]:.3f}"
                  f"  ({other[k] * 1e3:.2f} ms / {base[k] * 1e3:.2f} ms)")
        cpu_o = other["user"] + other["system"]
        cpu_b = base["user"] + base["system"]
        print(f"  ratio of CPU (user+sys): {cpu_o / cpu_b:.3f}"
              f"  ({cpu_o * 1e3:.2f} ms / {cpu_b * 1e3:.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
