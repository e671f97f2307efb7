#!/usr/bin/python3
"""The peer for bench/scan.ts: a picklescan-style scanner built on the standard library.

Like picklescan (which also walks pickles with pickletools.genops), it opens zips with zipfile, scans
members whose names end in .pkl, otherwise scans the whole file as one pickle, and records GLOBAL,
INST and STACK_GLOBAL imports. Nothing is unpickled. Usage: pickletools_scan.py PATH...; prints JSON.
"""
import io
import json
import os
import pickletools
import sys
import zipfile


def globals_of(data):
    found, strings = set(), []
    try:
        for op, arg, _pos in pickletools.genops(io.BytesIO(data)):
            if op.name in ("GLOBAL", "INST"):
                found.add(arg.replace(" ", "."))
            elif op.name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
                strings.append(arg)
            elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                found.add(f"{strings[-2]}.{strings[-1]}")
    except Exception as error:  # malformed pickle: report and go on, like picklescan
        found.add(f"<error: {type(error).__name__}>")
    return found


def scan(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return sorted(set().union(*[globals_of(z.read(n)) for n in z.namelist() if n.endswith(".pkl")]))
    with open(path, "rb") as f:
        return sorted(globals_of(f.read()))


def files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, names in os.walk(p):
                yield from (os.path.join(root, n) for n in sorted(names))
        else:
            yield p


if __name__ == "__main__":
    print(json.dumps({path: scan(path) for path in files(sys.argv[1:])}))
