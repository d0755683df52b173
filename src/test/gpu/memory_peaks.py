#!/usr/bin/env python3
"""Per command of a check.sh log: wall time, largest device memory reading and GPU utilisation from nvidia-smi.

Usage: memory_peaks.py log.txt smi.csv
"""
import datetime
import re
import sys

FMT = "%Y/%m/%d %H:%M:%S.%f"


def main(log, smi):
    marks = []
    for line in open(log):
        m = re.match(r"=== (\S+ \S+) (.*)", line)
        if m:
            marks.append((datetime.datetime.strptime(m.group(1), FMT), m.group(2)))
    samples = []
    for line in open(smi):
        p = [x.strip() for x in line.split(",")]
        try:
            samples.append((datetime.datetime.strptime(p[0], FMT), int(p[1]), int(p[2])))
        except (ValueError, IndexError):
            pass
    print(f"{'wall s':>7} {'peak MiB':>9} {'util max':>8} {'mean':>5}  command")
    for (t0, name), (t1, _) in zip(marks, marks[1:]):
        if not name.startswith("medvp"):
            continue
        s = [x for x in samples if t0 <= x[0] <= t1]
        if s:
            print(f"{(t1 - t0).total_seconds():7.1f} {max(x[1] for x in s):9d} {max(x[2] for x in s):7d}% "
                  f"{sum(x[2] for x in s) / len(s):4.0f}%  {name[6:120]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
