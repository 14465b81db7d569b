"""nnbench's process protocol, version 1, for Python programs (standard
library only; numpy arrays if asked for).

A method is two functions:

    import nnbench_protocol as nb

    def train(task):
        ...                      # task.x, task.y, task.params, task.seed, ...
        return model, {"objective_evals": 10, "stop": "converged"}

    def predict(model, x):
        return [...]             # one output per row of x (a class label
                                 # for classification; a row of
                                 # task.outputs values for reconstruction)

    nb.serve(train, predict)     # or nb.serve(train, predict, numpy=True)

The wire format is in the README ("Methods in any language") and in
methods/external/protocol-v1.schema.json. Print progress on standard
error: standard output carries the protocol, and serve() sends stray
print() calls to standard error so they cannot break it.
"""

import json
import struct
import sys

PROTOCOL = "nnbench-external/1"


class Task:
    """The train message: the training part, already split and scaled."""

    def __init__(self, header, arrays):
        self.kind = header["task"]  # "regression" | "classification" | "reconstruction"
        self.classes = header["classes"]  # the class labels, or None
        self.inputs = header["inputs"]
        self.outputs = header["outputs"]  # outputs per row
        self.seed = header["seed"]  # the cell's seed (< 2**63)
        self.seed32 = header["seed32"]  # the same, for APIs that take 32 bits
        self.budget = header["budget"]["objective_evals"]  # passes allowed, or None
        self.params = header["params"]  # the method's other parameters
        self.x = arrays["x"]
        self.y = arrays.get("y")  # None for reconstruction

    def passes(self, wanted):
        """The passes over the training part to make: `wanted`, or what the
        cell's budget allows if that is fewer (one pass, one evaluation)."""
        return wanted if self.budget is None else min(wanted, self.budget)

    def stop(self, passes):
        """The stop reason after `passes` passes."""
        capped = self.budget is not None and passes >= self.budget
        return "budget_exhausted" if capped else "max_iterations"


def _rows(values, rows, cols, numpy):
    if numpy:
        import numpy as np

        return np.frombuffer(values, dtype="<f8").reshape(rows, cols).copy()
    flat = struct.unpack("<%dd" % (rows * cols), values)
    return [list(flat[i * cols : (i + 1) * cols]) for i in range(rows)]


def _read(stream, numpy):
    line = stream.readline()
    if not line:
        return None
    header = json.loads(line)
    arrays = {}
    for a in header.get("arrays", []):
        raw = stream.read(8 * a["rows"] * a["cols"])
        arrays[a["name"]] = _rows(raw, a["rows"], a["cols"], numpy)
    if "y" in arrays:
        y = arrays["y"]
        arrays["y"] = y[:, 0].copy() if numpy else [row[0] for row in y]
    return header, arrays


def _write(stream, header, arrays=()):
    header = dict(header)
    header["arrays"] = [{"name": n, "rows": r, "cols": c} for n, r, c, _ in arrays]
    stream.write((json.dumps(header) + "\n").encode())
    for _, _, _, values in arrays:
        stream.write(struct.pack("<%dd" % len(values), *values))
    stream.flush()


def _flat(y, rows, cols):
    try:
        import numpy as np

        if isinstance(y, np.ndarray):
            return [float(v) for v in np.asarray(y, dtype="<f8").reshape(-1)]
    except ImportError:
        pass
    if cols == 1:
        return [float(v) for v in y]
    return [float(v) for row in y for v in row]


def serve(train, predict, numpy=False):
    """Answers one cell: `train` once, then `predict` until nnbench closes
    the input. An exception in either is sent as the cell's error."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    message = _read(stdin, numpy)
    if message is None:
        return
    header, arrays = message
    if header.get("protocol") != PROTOCOL:
        _write(stdout, {"type": "error", "message": "this helper speaks %s, not %r" % (PROTOCOL, header.get("protocol"))})
        return
    task = Task(header, arrays)
    try:
        model, report = train(task)
    except Exception as e:
        _write(stdout, {"type": "error", "message": "%s: %s" % (type(e).__name__, e)})
        raise
    _write(stdout, dict(report, type="trained"))
    while True:
        message = _read(stdin, numpy)
        if message is None:
            return
        x = message[1]["x"]
        try:
            y = _flat(predict(model, x), len(x), task.outputs)
        except Exception as e:
            _write(stdout, {"type": "error", "message": "%s: %s" % (type(e).__name__, e)})
            raise
        _write(stdout, {"type": "outputs"}, [("y", len(y) // max(task.outputs, 1), task.outputs, y)])
