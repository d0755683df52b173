#!/usr/bin/env python3
"""Summarises an operator profile written by `medvp bench ... profile=FILE` (libtorch's legacy profiler, host time).

Prints the step's host span, the number of operator calls, self time per operator (inclusive time minus that of the
operators it called), and the calls that make the host wait for the device (copies to the host, item(), ops whose
output size depends on the data). Usage: profile_summary.py FILE [TOP]
"""
import collections
import json
import sys

WAITS = ("aten::_local_scalar_dense", "aten::item", "aten::nonzero", "aten::masked_select", "aten::unique",
         "aten::is_nonzero", "aten::equal")


def main(path, top=25):
    events = [e for e in json.load(open(path)) if e.get("ph") == "X"]
    by_tid = collections.defaultdict(list)
    for e in events:
        by_tid[e["tid"]].append(e)
    self_us = collections.Counter()
    calls = collections.Counter()
    top_level = 0.0
    for evs in by_tid.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in evs:
            end = e["ts"] + e["dur"]
            while stack and stack[-1][1] <= e["ts"]:
                stack.pop()
            if stack:
                stack[-1][0]["_child"] = stack[-1][0].get("_child", 0.0) + e["dur"]
            else:
                top_level += e["dur"]
            stack.append((e, end))
    for e in events:
        self_us[e["name"]] += e["dur"] - e.get("_child", 0.0)
        calls[e["name"]] += 1
    span = max(e["ts"] + e["dur"] for e in events) - min(e["ts"] for e in events)
    print(f"profile {path}: host span {span / 1e3:.1f} ms, {len(events)} operator calls, "
          f"{top_level / 1e3:.1f} ms inside top-level ops")
    print(f"{'self ms':>9} {'calls':>7}  operator")
    for name, us in self_us.most_common(top):
        print(f"{us / 1e3:9.2f} {calls[name]:7d}  {name}")
    waits = [(n, self_us[n], calls[n]) for n in self_us if n in WAITS]
    print("host waits: " + (", ".join(f"{n} {c} calls {us / 1e3:.2f} ms" for n, us, c in waits) or "none"))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 25)
