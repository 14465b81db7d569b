"""A method in pure Python (no dependencies): a linear model trained by
mini-batch SGD, least squares for regression, softmax cross-entropy for
classification. Every pass over the training part is one objective and
one gradient evaluation, and it stops at the cell's budget.

Regression targets are standardised on the training part for training
and the outputs put back in the data's units, so one learning rate suits
every dataset. Parameters (experiment file, beside `program`): epochs
(default 100), learning_rate (0.1), batch (32).
"""

import math
import random
import sys

import nnbench_protocol as nb


def scores(w, row):
    return [sum(wi * xi for wi, xi in zip(wc, row)) + wc[-1] for wc in w]


def softmax(z):
    top = max(z)
    e = [math.exp(v - top) for v in z]
    s = sum(e)
    return [v / s for v in e]


def train(task):
    p = task.params
    epochs = task.passes(int(p.get("epochs", 100)))
    rate, batch = float(p.get("learning_rate", 0.1)), int(p.get("batch", 32))
    classes = task.classes
    k = len(classes) if classes else 1
    d = task.inputs
    w = [[0.0] * (d + 1) for _ in range(k)]
    if classes:
        targets, unit = [classes.index(t) for t in task.y], (0.0, 1.0)
    else:
        mean = sum(task.y) / len(task.y)
        sd = math.sqrt(sum((t - mean) ** 2 for t in task.y) / len(task.y)) or 1.0
        targets, unit = [(t - mean) / sd for t in task.y], (mean, sd)
    order = list(range(len(task.x)))
    rng = random.Random(task.seed)
    trace, best = [], math.inf
    for epoch in range(epochs):
        rng.shuffle(order)
        loss = 0.0
        for start in range(0, len(order), batch):
            grad = [[0.0] * (d + 1) for _ in range(k)]
            chunk = order[start : start + batch]
            for i in chunk:
                row, z = task.x[i], scores(w, task.x[i])
                if classes:
                    prob = softmax(z)
                    loss -= math.log(max(prob[targets[i]], 1e-300))
                    residual = [prob[c] - (c == targets[i]) for c in range(k)]
                else:
                    residual = [z[0] - targets[i]]
                    loss += residual[0] ** 2
                for c in range(k):
                    for j in range(d):
                        grad[c][j] += residual[c] * row[j]
                    grad[c][d] += residual[c]
            for c in range(k):
                for j in range(d + 1):
                    w[c][j] -= rate * grad[c][j] / len(chunk)
        best = min(best, loss / len(order))
        trace.append([epoch + 1, best])
        print("epoch %d loss %.6f" % (epoch + 1, loss / len(order)), file=sys.stderr)
    report = {"objective_evals": epochs, "gradient_evals": epochs, "stop": task.stop(epochs), "trace": trace}
    if trace:
        report["notes"] = {"final_training_loss": best}
    return (w, classes, unit), report


def predict(model, x):
    w, classes, (mean, sd) = model
    if classes:
        return [classes[max(range(len(classes)), key=lambda c: z[c])] for z in map(lambda r: scores(w, r), x)]
    return [mean + sd * scores(w, row)[0] for row in x]


if __name__ == "__main__":
    nb.serve(train, predict)
