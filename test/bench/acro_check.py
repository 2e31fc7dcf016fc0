"""Times ACRO (the SACRO project's output checker, `pip install acro`) on the table the outputs
benchmark checks. ACRO checks a table while computing it from the microdata, so the counts table is
expanded back into one row per person (untimed) and the timed call is ACRO's crosstab of the same
dimensions, which builds the table and runs its disclosure checks (threshold, zeros, …).

Times are CPU time of this process (time.process_time), as the Klarsyn side measures, so other work
on a shared machine does not count; wall-clock time goes to stderr.
Usage: python3 acro_check.py TABLE.csv [RUNS]; prints {"acro_ms": …, "cells": …} as its last line.
"""

import contextlib
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time

import pandas as pd

with contextlib.redirect_stdout(io.StringIO()):
    import acro

table_path = os.path.abspath(sys.argv[1])
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
table = pd.read_csv(table_path)
dims = ["region", "atc", "age_group", "sex"]
micro = table.loc[table.index.repeat(table["patients"]), dims].reset_index(drop=True)

logging.getLogger("acro").setLevel(logging.ERROR)
os.chdir(tempfile.mkdtemp(prefix="acro-bench-"))
times = []
walls = []
cells = 0
for _ in range(runs + 1):  # the first run warms pandas up and is not counted
    with contextlib.redirect_stdout(io.StringIO()):
        session = acro.ACRO(suppress=False)
        start, wall = time.process_time(), time.perf_counter()
        result = session.crosstab(
            index=[micro["region"], micro["atc"]], columns=[micro["age_group"], micro["sex"]]
        )
        times.append((time.process_time() - start) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    cells = int(result.size)
print(f"ACRO wall-clock median {statistics.median(walls[1:]):.1f} ms", file=sys.stderr)
print(json.dumps({"acro_ms": statistics.median(times[1:]), "cells": cells, "persons": len(micro)}))
