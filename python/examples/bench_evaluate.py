"""Benchmark: negsim.evaluate over 1,000 points x 1,000 trials against the CLI running the
same design (`negsim run --design file:points.csv --observe ...`), and the DataFrame of a
1,000,000-trial run. Not run by the tests (it takes a minute); figures in BENCHMARKS.md.

    python examples/bench_evaluate.py [path/to/negsim]
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import negsim
from params import PARAMS

OBSERVE = ["outcome", "action.provide-declaration.done_day"]


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "../../target/release/negsim")
    work = tempfile.mkdtemp(prefix="negsim-bench-")
    rng = np.random.default_rng(1)
    d = pd.DataFrame({p: rng.uniform(lo, hi, 1000) for p, (lo, hi) in PARAMS.items()})
    d.to_csv(os.path.join(work, "points.csv"), index=False)
    s = negsim.load()
    for _ in range(2):
        t, c = time.time(), time.process_time()
        negsim.evaluate(s, d, trials=1000, seed=1, observe=OBSERVE)
        te, ce = time.time() - t, time.process_time() - c
        out = os.path.join(work, "cli")
        shutil.rmtree(out, ignore_errors=True)
        args = [cli, "run", "--trials", "1000", "--seed", "1", "--design",
                "file:" + os.path.join(work, "points.csv"), "--out", out]
        for o in OBSERVE:
            args += ["--observe", o]
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.time()
        subprocess.run(args, check=True, capture_output=True)
        tc = time.time() - t
        ru2 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cc = (ru2.ru_utime - ru.ru_utime) + (ru2.ru_stime - ru.ru_stime)
        print(f"1,000 points x 1,000 trials: evaluate {te:.2f} s (CPU {ce:.2f} s), "
              f"CLI {tc:.2f} s (CPU {cc:.2f} s); CPU ratio {ce / cc:.2f}", flush=True)
    r = negsim.run(s, trials=1_000_000, seed=1, progress=False)
    for _ in range(3):
        r._frames.clear()
        c, t = time.process_time(), time.time()
        r.trials
        print(f"DataFrame of 1,000,000 trials: {time.time() - t:.3f} s "
              f"(CPU {time.process_time() - c:.3f} s)", flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
