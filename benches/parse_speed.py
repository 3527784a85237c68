#!/usr/bin/env python3
"""Side-by-side speed of `portbot parse`, measured in one run (a benchmark, not a test).

1. Messages: portbot parse of every message in ../shared (corpora and samples), against
   Python's email package merely parsing the same messages and decoding their text parts.
   `portbot parse` reads files on every core; its figure on one core is printed too.
   Then one message a process, its start included, for the first 20 sample messages.
2. PDFs: portbot parse of the sample bills, against `pdftotext -layout` run on each.

Each side runs REPEAT times; the best time counts. Usage: scripts/bench-parse
"""
import email
import email.policy
import os
import shutil
import subprocess
import sys
import time

REPEAT = 5
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("PORTBOT_SHARED", os.path.join(root, "..", "shared"))
portbot = os.path.join(root, "target", "release", "portbot")


def files(top, suffixes):
    out = []
    for base, _, names in os.walk(top):
        out += [os.path.join(base, n) for n in names if n.endswith(suffixes)]
    return sorted(out)


def best(fn):
    times = []
    for _ in range(REPEAT):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def python_email(paths):
    for p in paths:
        with open(p, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                try:
                    part.get_content()
                except Exception:
                    pass


def run_portbot(paths):
    subprocess.run([portbot, "parse", "--json", *paths], check=True, stdout=subprocess.DEVNULL)


def run_portbot_one_core(paths):
    subprocess.run(["taskset", "-c", "0", portbot, "parse", "--json", *paths], check=True, stdout=subprocess.DEVNULL)


def pdftotext(paths):
    for p in paths:
        subprocess.run(["pdftotext", "-layout", p, "-"], check=True, stdout=subprocess.DEVNULL)


messages = files(os.path.join(shared, "corpora"), (".eml", ".txt")) + files(os.path.join(shared, "samples", "mail"), (".eml",))
pdfs = files(os.path.join(shared, "samples", "invoices"), (".pdf",))
ours = best(lambda: run_portbot(messages))
theirs = best(lambda: python_email(messages))
print(f"messages: {len(messages)}")
print(f"  portbot parse (one process, all of them): {ours * 1000:8.1f} ms  ({ours / len(messages) * 1e6:6.0f} us a message)")
print(f"  python email parse + text parts:          {theirs * 1000:8.1f} ms  ({theirs / len(messages) * 1e6:6.0f} us a message)")
print(f"  portbot is {theirs / ours:.1f}x faster (target: 20x)")
# `portbot parse` reads files on every core; on one core alone, for comparison.
if shutil.which("taskset"):
    one_core = best(lambda: run_portbot_one_core(messages))
    print(f"  portbot parse on one core:                {one_core * 1000:8.1f} ms  ({theirs / one_core:.1f}x faster)")
# One message at a time, the process start included (what a mail filter calling
# `portbot parse` per message pays): the median over the first 20 sample messages.
singles = []
for path in files(os.path.join(shared, "samples", "mail"), (".eml",))[:20]:
    singles.append(best(lambda: run_portbot([path])))
singles.sort()
print(f"  one message a process (median of {len(singles)}):  {singles[len(singles) // 2] * 1000:6.1f} ms  (target: 10 ms)")
ours_pdf = best(lambda: run_portbot(pdfs))
theirs_pdf = best(lambda: pdftotext(pdfs))
print(f"sample PDFs: {len(pdfs)}")
print(f"  portbot parse (one process):  {ours_pdf * 1000:7.1f} ms  ({ours_pdf / len(pdfs) * 1000:5.2f} ms a PDF)")
print(f"  pdftotext -layout on each:    {theirs_pdf * 1000:7.1f} ms  ({theirs_pdf / len(pdfs) * 1000:5.2f} ms a PDF)")
print(f"  portbot is {theirs_pdf / ours_pdf:.1f}x faster (target: faster)")
# One hostile message of 80,000 short lines (issue #13): read in linear time.
import tempfile
with tempfile.TemporaryDirectory() as folder:
    long_message = os.path.join(folder, "long.eml")
    with open(long_message, "w") as f:
        f.write("From: someone@example.com\nTo: porting@voip.example\nSubject: lines\n\n")
        f.write("".join(f"line {i} of a very long message\n" for i in range(80_000)))
    long_time = best(lambda: run_portbot([long_message]))
print("one message of 80,000 lines (1.7 MB):")
print(f"  portbot parse (one process): {long_time * 1000:7.1f} ms")
sys.exit(0)
