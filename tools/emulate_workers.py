"""What parallel exploration would gain on a machine with more cores than this one.

Runs one exploration of a program of the parallel bench (`benches/parallel.rs`) under
callgrind with its fair scheduler (`--fair-sched=yes`: one thread at a time, in turns,
each counted apart with `--separate-threads=yes`), once on one worker without the split
(the bench's "1 worker") and once on each number of workers asked for. A worker's
instruction count is what it would run on a core of its own, so the largest one is the
exploration's length on that many equal cores, and the one worker's count over it is the
speedup, free of this virtual machine's changing core speed (see the README, "Parallel,
sharded and resumable explorations"). Instructions are not time: memory stalls and the
machine's cores weigh on real runs too.

    cargo bench --features permute --bench parallel --no-run
    python3 tools/emulate_workers.py 'lastzero(10)' 'readers(12)' --jobs 2,4,8

It runs the bench executable's child mode (`--rss NAME JOBS`: one exploration with
`Builder::new().jobs(JOBS)`, then its peak memory), which checks nothing itself: the bench
checks that split explorations run the sequential executions. Threads that ran under a
million instructions (the stall watchdog) are left out.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile


def bench_executable():
    """The newest `parallel` bench executable of the release build."""
    found = [
        path
        for path in glob.glob("target/release/deps/parallel-*")
        if os.access(path, os.X_OK) and not path.endswith(".d")
    ]
    if not found:
        sys.exit("no bench executable: run `cargo bench --features permute --bench parallel --no-run`")
    return max(found, key=os.path.getmtime)


def thread_instructions(executable, name, jobs):
    """Each thread's instruction count in one exploration of `name` on `jobs` workers."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--separate-threads=yes",
                "--fair-sched=yes",
                f"--callgrind-out-file={out}/cg.%p",
                executable,
                "--rss",
                name,
                str(jobs),
            ],
            check=True,
            capture_output=True,
        )
        counts = []
        for path in glob.glob(f"{out}/cg.*"):
            with open(path) as f:
                for line in f:
                    match = re.match(r"(?:totals|summary): (\d+)", line)
                    if match:
                        counts.append(int(match[1]))
                        break
        return [c for c in counts if c >= 1_000_000]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("programs", nargs="+", help="rows of the parallel bench, e.g. 'lastzero(10)'")
    parser.add_argument("--jobs", default="2,4,8", help="numbers of workers (default 2,4,8)")
    parser.add_argument("--executable", help="the bench executable (default: the newest built)")
    args = parser.parse_args()
    executable = args.executable or bench_executable()
    jobs = [int(j) for j in args.jobs.split(",")]
    print("| program | 1 worker | " + " | ".join(f"{j} workers" for j in jobs) + " |")
    print("|---|---:|" + "---:|" * len(jobs))
    for name in args.programs:
        one = max(thread_instructions(executable, name, 1))
        cells = []
        for j in jobs:
            counts = thread_instructions(executable, name, j)
            cells.append(
                f"{one / max(counts):.2f}x (work {sum(counts) / one:.2f}, {len(counts)} threads)"
            )
        print(f"| {name} | {one / 1e6:.1f} M | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
