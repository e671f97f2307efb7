"""Runs a command in a pseudo-terminal and answers its prompts (a tiny `expect`).

Usage: python3 pty-drive.py <spec.json>
spec: {"argv": [...], "cwd": "...", "env": {...}, "timeout": 30,
       "steps": [{"expect": "text on screen", "send": "keys"}, ...]}
Prints the transcript; exits with the command's exit code (124 on timeout, 125 when a step's text
never appeared). argv is executed directly (no shell).
"""
import json
import os
import pty
import re
import select
import sys
import time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\r")


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    deadline = time.monotonic() + float(spec.get("timeout", 30))
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(spec.get("cwd", "."))
        os.execvpe(spec["argv"][0], spec["argv"], {**os.environ, **spec.get("env", {})})
    transcript = b""
    consumed = 0
    steps = list(spec.get("steps", []))

    def pump(wait: float) -> bool:
        nonlocal transcript
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            return True
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return False
        if not chunk:
            return False
        transcript += chunk
        return True

    alive = True
    while steps and alive and time.monotonic() < deadline:
        alive = pump(0.1)
        text = ANSI.sub("", transcript.decode("utf-8", "replace"))
        at = text.find(steps[0]["expect"], consumed)
        if at != -1:
            consumed = at + len(steps[0]["expect"])
            time.sleep(0.15)  # let the prompt finish drawing before typing
            os.write(fd, steps.pop(0)["send"].encode())
    while alive and time.monotonic() < deadline:
        alive = pump(0.2)
    sys.stdout.write(ANSI.sub("", transcript.decode("utf-8", "replace")))
    if time.monotonic() >= deadline:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return 124
    _, status = os.waitpid(pid, 0)
    if steps:
        sys.stderr.write(f"never saw: {steps[0]['expect']!r}\n")
        return 125
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
