"""A method in PyTorch (documented, not run by the tests: PyTorch is not
installed there). The same tanh network as numpy_mlp.py, trained by
torch.optim.Adam on mini-batches. For bits that repeat from the cell's
seed: torch.manual_seed(task.seed), one CPU thread, and deterministic
algorithms; a GPU or more threads trade that for speed (check with
`harness check-method`).

    [[methods]]
    name = "EXTERNAL"
    label = "TORCH_MLP"
    [methods.params]
    program = { command = ["python3", "torch_mlp.py"], dir = "examples/external", sources = ["torch_mlp.py", "nnbench_protocol.py"] }
    hidden = 10
    epochs = 200
"""

import numpy as np
import torch

import nnbench_protocol as nb


def train(task):
    settings = task.params
    epochs = task.passes(int(settings.get("epochs", 200)))
    torch.manual_seed(task.seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    x = torch.from_numpy(task.x)
    if task.classes:
        classes = np.asarray(task.classes)
        y = torch.from_numpy(np.searchsorted(classes, task.y))
        k, loss_fn, unit = len(classes), torch.nn.CrossEntropyLoss(), (0.0, 1.0)
    else:
        classes = None
        unit = (float(task.y.mean()), float(task.y.std()) or 1.0)
        y = torch.from_numpy((task.y - unit[0]) / unit[1])[:, None]
        k, loss_fn = 1, torch.nn.MSELoss()
    hidden = int(settings.get("hidden", 10))
    model = torch.nn.Sequential(
        torch.nn.Linear(task.inputs, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, k)
    ).double()
    optimiser = torch.optim.Adam(model.parameters(), lr=float(settings.get("learning_rate", 0.01)))
    batch = int(settings.get("batch", 32))
    generator = torch.Generator().manual_seed(task.seed)
    trace, best = [], float("inf")
    for epoch in range(epochs):
        for rows in torch.randperm(len(x), generator=generator).split(batch):
            optimiser.zero_grad()
            loss_fn(model(x[rows]), y[rows]).backward()
            optimiser.step()
        with torch.no_grad():
            best = min(best, float(loss_fn(model(x), y)))
        trace.append([epoch + 1, best])
    report = {"objective_evals": epochs, "gradient_evals": epochs, "stop": task.stop(epochs), "trace": trace}
    return (model, classes, unit), report


def predict(state, x):
    model, classes, (mean, sd) = state
    with torch.no_grad():
        z = model(torch.from_numpy(x)).numpy()
    if classes is not None:
        return classes[z.argmax(axis=1)]
    return mean + sd * z[:, 0]


if __name__ == "__main__":
    nb.serve(train, predict, numpy=True)
