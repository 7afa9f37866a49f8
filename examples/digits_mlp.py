"""An MLP 64-256-256-10 on scikit-learn's handwritten digits, trained with Adam in weifen.

The 1797 8x8 images are split 75/25 (``random_state=0``) and each pixel is standardised
with the training set's mean and spread; ``wf.data.DataLoader`` serves shuffled batches of
64; Adam's rate (2e-3) decays on a cosine over the epochs (``CosineAnnealingLR``);
``wf.manual_seed(0)`` fixes the initial weights and the batch order, so every run prints
the same numbers.

    python examples/digits_mlp.py                 # 30 epochs, a few seconds: 97.8%
    python examples/digits_mlp.py --quick         # a few epochs, for the smoke test
    python examples/digits_mlp.py --out DIR       # where the loss-curve PNG goes
"""
from __future__ import annotations

import os
import time

from _common import parse_args, progress, save_plot  # first: it pins BLAS to one thread
import numpy as np  # noqa: I001

import weifen as wf


def load_digits_split(seed: int = 0) -> tuple:
    """(X_train, X_test, y_train, y_test): float32 pixels standardised with the training
    set's statistics (shape (n, 64)), int64 labels."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    Xtr, Xte, ytr, yte = train_test_split(d.data, d.target.astype(np.int64),
                                          test_size=0.25, random_state=seed)
    mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0) + 0.01  # some border pixels are always 0
    return (((Xtr - mu) / sd).astype(np.float32), ((Xte - mu) / sd).astype(np.float32),
            ytr, yte)


def make_mlp() -> wf.nn.Module:
    return wf.nn.Sequential(wf.nn.Linear(64, 256), wf.nn.ReLU(),
                            wf.nn.Linear(256, 256), wf.nn.ReLU(),
                            wf.nn.Linear(256, 10))


def accuracy(model: wf.nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with wf.no_grad():
        pred = np.asarray(model(wf.tensor(X))).argmax(axis=1)
    model.train()
    return float(np.mean(pred == y))


def train(model: wf.nn.Module, Xtr: np.ndarray, ytr: np.ndarray, epochs: int,
          lr: float = 2e-3, batch_size: int = 64, label_smoothing: float = 0.0,
          desc: str = "training") -> list:
    """Adam on mini-batches, the rate annealed on a cosine to 0 over ``epochs``; returns
    the mean training loss of each epoch."""
    loader = wf.data.DataLoader(wf.data.TensorDataset(Xtr, ytr), batch_size=batch_size,
                                shuffle=True)
    opt = wf.optim.Adam(model.parameters(), lr=lr)
    sched = wf.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loss_fn = wf.nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    losses = []
    bar = progress(range(epochs), desc)
    for _ in bar:
        total, n = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += float(loss) * len(yb)
            n += len(yb)
        sched.step()
        losses.append(total / n)
        bar.set_postfix_str(f"loss {losses[-1]:.4f}")
    return losses


def main(argv: list | None = None) -> float:
    args = parse_args(__doc__, argv)
    wf.set_default_dtype(wf.float32)  # parameters in float32, like the data
    wf.manual_seed(0)
    Xtr, Xte, ytr, yte = load_digits_split()
    epochs = 8 if args.quick else 30
    print(f"digits: {len(Xtr)} training and {len(Xte)} test images of 8x8 pixels; "
          f"MLP 64-256-256-10, Adam lr 2e-3 (cosine), batch 64, {epochs} epochs")
    model = make_mlp()
    t0 = time.perf_counter()
    losses = train(model, Xtr, ytr, epochs)
    dt = time.perf_counter() - t0
    acc = accuracy(model, Xte, yte)
    print(f"trained in {dt:.1f} s; final training loss {losses[-1]:.4f}")
    print(f"test accuracy: {acc:.2%}")

    def plot(plt):
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(range(1, len(losses) + 1), losses, "o-", ms=3)
        ax.set(xlabel="epoch", ylabel="training cross-entropy", yscale="log",
               title=f"digits MLP: test accuracy {acc:.1%}")
        return fig

    save_plot(plot, os.path.join(args.out, "digits_mlp_loss.png"))
    return acc


if __name__ == "__main__":
    main()
