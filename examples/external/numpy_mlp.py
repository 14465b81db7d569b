"""A method in numpy: a network of one hidden tanh layer trained by Adam on
mini-batches, mean squared error for regression (on standardised
targets, put back in the data's units), softmax cross-entropy for
classification. Every pass over the training part is one objective and
one gradient evaluation; it stops at the cell's budget. All randomness
comes from the cell's seed, so the same cell gives the same bits.

Parameters (experiment file, beside `program`): hidden (10), epochs
(200), learning_rate (0.01), batch (32).
"""

import numpy as np

import nnbench_protocol as nb


def forward(w, x):
    h = np.tanh(x @ w["w1"] + w["b1"])
    return h, h @ w["w2"] + w["b2"]


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def train(task):
    p = task.params
    hidden = int(p.get("hidden", 10))
    epochs = task.passes(int(p.get("epochs", 200)))
    rate, batch = float(p.get("learning_rate", 0.01)), int(p.get("batch", 32))
    rng = np.random.default_rng(task.seed)
    x, d = task.x, task.inputs
    if task.classes:
        classes = np.asarray(task.classes)
        target = np.eye(len(classes))[np.searchsorted(classes, task.y)]
        unit = (0.0, 1.0)
    else:
        classes = None
        unit = (task.y.mean(), task.y.std() or 1.0)
        target = ((task.y - unit[0]) / unit[1])[:, None]
    k = target.shape[1]
    w = {
        "w1": rng.normal(0, 1 / np.sqrt(d), (d, hidden)),
        "b1": np.zeros(hidden),
        "w2": rng.normal(0, 1 / np.sqrt(hidden), (hidden, k)),
        "b2": np.zeros(k),
    }
    m = {n: np.zeros_like(v) for n, v in w.items()}
    v = {n: np.zeros_like(v) for n, v in w.items()}
    step, trace, best = 0, [], np.inf
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            rows = order[start : start + batch]
            h, z = forward(w, x[rows])
            delta = (softmax(z) if classes is not None else z) - target[rows]
            delta /= len(rows)
            dh = (delta @ w["w2"].T) * (1 - h**2)
            grads = {"w2": h.T @ delta, "b2": delta.sum(0), "w1": x[rows].T @ dh, "b1": dh.sum(0)}
            step += 1
            for n, g in grads.items():
                m[n] = 0.9 * m[n] + 0.1 * g
                v[n] = 0.999 * v[n] + 0.001 * g * g
                w[n] -= rate * (m[n] / (1 - 0.9**step)) / (np.sqrt(v[n] / (1 - 0.999**step)) + 1e-8)
        _, z = forward(w, x)
        if classes is not None:
            loss = -np.log(softmax(z)[target.astype(bool)] + 1e-300).mean()
        else:
            loss = ((z - target) ** 2).mean()
        best = min(best, float(loss))
        trace.append([epoch + 1, best])
    report = {"objective_evals": epochs, "gradient_evals": epochs, "stop": task.stop(epochs), "trace": trace}
    return (w, classes, unit), report


def predict(model, x):
    w, classes, (mean, sd) = model
    _, z = forward(w, x)
    if classes is not None:
        return classes[z.argmax(axis=1)]
    return mean + sd * z[:, 0]


if __name__ == "__main__":
    nb.serve(train, predict, numpy=True)
