"""wf.nn, wf.optim and wf.save/load against torch (same weights, same data, same steps)."""
import os

import numpy as np
import pytest

import weifen as wf

torch = pytest.importorskip("torch")
F64 = dict(dtype=torch.float64)  # never torch.set_default_dtype: that would leak into other tests
nn = wf.nn


def A(t):
    return np.asarray(t)


def T(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


# ================================================================ modules
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(3, 5)
        self.act = nn.Tanh()
        self.l2 = nn.Linear(5, 2)
        self.scale = nn.Parameter(wf.tensor(2.0))
        self.note = "not a parameter"

    def forward(self, x):
        return self.l2(self.act(self.l1(x))) * self.scale


def _torch_twin(net):
    t = torch.nn.Sequential(torch.nn.Linear(3, 5, **F64), torch.nn.Tanh(),
                            torch.nn.Linear(5, 2, **F64))
    with torch.no_grad():
        for k, lin in ((0, net.l1), (2, net.l2)):
            t[k].weight.copy_(T(lin.weight))
            t[k].bias.copy_(T(lin.bias))
    return t


def test_registration_order_and_names():
    np.random.seed(0)
    net = Net()
    names = [k for k, _ in net.named_parameters()]
    assert names == ["scale", "l1.weight", "l1.bias", "l2.weight", "l2.bias"]
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Tanh", "Linear"]
    assert net.note == "not a parameter"
    assert all(p.requires_grad and p.is_leaf for p in net.parameters())
    assert isinstance(net.l1.weight, nn.Parameter) and isinstance(net.l1.weight, wf.Tensor)
    assert net.l1.weight.shape == (5, 3)  # (out, in), as torch


def test_shared_parameter_listed_once_and_reassignment():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert len(list(seq.parameters())) == 2
    m = nn.Module()
    m.w = nn.Parameter(wf.ones(2))
    m.w = 3.0  # a plain value replaces the parameter
    assert list(m.parameters()) == [] and m.w == 3.0


def test_setattr_before_init_is_a_clear_error():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(wf.ones(1))

    with pytest.raises(TypeError, match="super\\(\\).__init__"):
        Bad()


def test_forward_and_gradients_match_torch():
    np.random.seed(1)
    net = Net()
    tnet = _torch_twin(net)
    x = np.random.default_rng(0).standard_normal((4, 3))
    out = net(wf.tensor(x))
    s = torch.tensor(2.0, requires_grad=True, **F64)
    tout = tnet(T(x)) * s
    np.testing.assert_allclose(A(out), tout.detach().numpy(), rtol=1e-12)
    (out ** 2).sum().backward()
    (tout ** 2).sum().backward()
    np.testing.assert_allclose(A(net.l1.weight.grad), tnet[0].weight.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(A(net.l2.bias.grad), tnet[2].bias.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(float(net.scale.grad), float(s.grad), rtol=1e-10)


def test_zero_grad_train_eval_and_repr():
    net = Net()
    (net(wf.ones(1, 3)).sum()).backward()
    assert net.l1.weight.grad is not None
    net.zero_grad(set_to_none=False)
    assert float(wf.abs(net.l1.weight.grad).sum()) == 0.0
    net.zero_grad()
    assert net.l1.weight.grad is None
    assert net.training and not net.eval().l1.training and net.train().act.training
    assert "(l1): Linear(in_features=3, out_features=5, bias=True)" in repr(net)


def test_state_dict_round_trip_and_errors():
    np.random.seed(2)
    a, b = Net(), Net()
    sd = a.state_dict()
    assert list(sd) == ["scale", "l1.weight", "l1.bias", "l2.weight", "l2.bias"]
    b.load_state_dict(sd)
    x = wf.tensor(np.ones((2, 3)))
    np.testing.assert_array_equal(A(a(x)), A(b(x)))
    with pytest.raises(ValueError, match="missing keys \\['scale'\\]"):
        b.load_state_dict({k: v for k, v in sd.items() if k != "scale"})
    missing, unexpected = b.load_state_dict({"scale": wf.tensor(5.0), "extra": 1}, strict=False)
    assert "l1.weight" in missing and unexpected == ["extra"] and float(b.scale) == 5.0
    with pytest.raises(ValueError, match="shape"):
        b.load_state_dict({**sd, "l1.bias": wf.zeros(4)})


def test_loading_bumps_the_version_of_saved_parameters():
    lin = nn.Linear(2, 1)
    y = (lin(wf.ones(1, 2)) ** 2).sum()
    lin.load_state_dict({k: v * 2 for k, v in lin.state_dict().items()})
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


# ================================================================ losses
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_torch(reduction):
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((6, 4)) * 3
    labels = rng.integers(0, 4, 6)
    probs = rng.dirichlet(np.ones(4), 6)
    p = 1 / (1 + np.exp(-rng.standard_normal(6)))
    y = (rng.random(6) > 0.5).astype(float)
    z = rng.standard_normal(6) * 40  # large logits: the stable form must not overflow
    cases = [
        (nn.MSELoss, torch.nn.MSELoss, logits, probs),
        (nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, logits, labels),
        (nn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, logits, probs),
        (nn.BCELoss, torch.nn.BCELoss, p, y),
        (nn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, z, y),
    ]
    for wcls, tcls, inp, tgt in cases:
        x = wf.tensor(inp, requires_grad=True)
        tx = T(inp, grad=True)
        ttgt = torch.tensor(tgt) if tgt.dtype.kind == "i" else T(tgt)
        loss = wcls(reduction=reduction)(x, tgt)
        tloss = tcls(reduction=reduction)(tx, ttgt)
        np.testing.assert_allclose(A(loss), tloss.detach().numpy(), rtol=1e-10, atol=1e-12)
        loss.sum().backward()
        tloss.sum().backward()
        np.testing.assert_allclose(A(x.grad), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_bce_clamps_log_at_minus_100_like_torch():
    p = np.array([0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 1.0])
    with np.errstate(divide="ignore"):
        loss = nn.BCELoss(reduction="none")(wf.tensor(p), wf.tensor(y))
    expect = torch.nn.BCELoss(reduction="none")(T(p), T(y)).numpy()
    np.testing.assert_allclose(A(loss), expect)
    assert A(loss)[0] == 100.0


def test_loss_errors_name_the_problem():
    with pytest.raises(ValueError, match="reduction"):
        nn.MSELoss(reduction="avg")
    with pytest.raises(ValueError, match="shape"):
        nn.MSELoss()(wf.ones(3), wf.ones(4))
    with pytest.raises(ValueError, match="out of range"):
        nn.CrossEntropyLoss()(wf.ones((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="class indices of shape"):
        nn.CrossEntropyLoss()(wf.ones((2, 3)), np.array([0, 1, 2]))


# ================================================================ optimizers
def _run(opt_w, opt_t, steps=6):
    """The same model, data and steps in weifen and torch; returns both weight sets."""
    np.random.seed(4)
    net = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 2))
    tnet = torch.nn.Sequential(torch.nn.Linear(3, 8, **F64), torch.nn.Tanh(),
                               torch.nn.Linear(8, 2, **F64))
    with torch.no_grad():
        for tp, p in zip(tnet.parameters(), net.parameters()):
            tp.copy_(T(p))
    rng = np.random.default_rng(5)
    X, Y = rng.standard_normal((16, 3)), rng.standard_normal((16, 2))
    o, to = opt_w(net.parameters()), opt_t(tnet.parameters())
    losses = []
    for _ in range(steps):
        o.zero_grad()
        to.zero_grad()
        loss = nn.MSELoss()(net(wf.tensor(X)), wf.tensor(Y))
        tloss = torch.nn.MSELoss()(tnet(T(X)), T(Y))
        loss.backward()
        tloss.backward()
        o.step()
        to.step()
        losses.append((float(loss), tloss.item()))
    return net, tnet, losses


@pytest.mark.parametrize("kw", [dict(lr=0.1), dict(lr=0.05, momentum=0.9),
                                dict(lr=0.05, momentum=0.5, weight_decay=0.01)])
def test_sgd_matches_torch(kw):
    net, tnet, losses = _run(lambda p: wf.optim.SGD(p, **kw), lambda p: torch.optim.SGD(p, **kw))
    for a, b in losses:
        assert a == pytest.approx(b, rel=1e-10)
    for p, tp in zip(net.parameters(), tnet.parameters()):
        np.testing.assert_allclose(A(p), tp.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert losses[-1][0] < losses[0][0]


@pytest.mark.parametrize("kw", [dict(lr=0.01), dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6,
                                                    weight_decay=0.1)])
def test_adam_matches_torch(kw):
    net, tnet, losses = _run(lambda p: wf.optim.Adam(p, **kw),
                             lambda p: torch.optim.Adam(p, **kw))
    for p, tp in zip(net.parameters(), tnet.parameters()):
        np.testing.assert_allclose(A(p), tp.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert losses[-1][0] < losses[0][0]


def test_optimizer_keeps_float32_and_rejects_bad_params():
    w = nn.Parameter(wf.ones(3, dtype=wf.float32))
    opt = wf.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    assert w.dtype == np.float32 and A(w)[0] == pytest.approx(0.9, rel=1e-6)
    with pytest.raises(TypeError, match="leaf Tensor that requires grad"):
        wf.optim.SGD([wf.ones(2)], lr=0.1)
    with pytest.raises(ValueError, match="empty"):
        wf.optim.SGD([], lr=0.1)


def test_a_classifier_trains():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)  # XOR-like: needs the hidden layer
    np.random.seed(7)
    net = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 2))
    opt = wf.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = nn.CrossEntropyLoss()(net(wf.tensor(X)), y)
        loss.backward()
        opt.step()
    acc = (A(net(wf.tensor(X))).argmax(axis=1) == y).mean()
    assert acc > 0.95


# ================================================================ save / load
def test_save_load_round_trip(tmp_path):
    np.random.seed(8)
    net = Net()
    path = tmp_path / "model.wf"
    wf.save({"model": net.state_dict(), "epoch": 3, "lrs": [0.1, 0.01], "tag": None,
             "pair": (1, "a"), "raw": np.arange(3)}, path)
    assert os.path.getsize(path) > 0
    back = wf.load(path)
    assert back["epoch"] == 3 and back["lrs"] == [0.1, 0.01] and back["tag"] is None
    assert back["pair"] == (1, "a")
    np.testing.assert_array_equal(back["raw"], np.arange(3))
    other = Net()
    other.load_state_dict(back["model"])
    x = wf.ones(2, 3)
    np.testing.assert_array_equal(A(other(x)), A(net(x)))
    assert back["model"]["l1.weight"].dtype == net.l1.weight.dtype


def test_load_never_unpickles(tmp_path):
    # an archive holding a pickled object array: loading must refuse, not execute it
    path = tmp_path / "evil.npz"
    np.savez(path, __weifen__=np.frombuffer(b'{"format": "weifen-save-1", "root": '
                                            b'{"array": "a0"}}', dtype=np.uint8),
             a0=np.array([object()], dtype=object))
    with pytest.raises(ValueError):
        wf.load(path)
    plain = tmp_path / "plain.npz"
    np.savez(plain, x=np.ones(2))
    with pytest.raises(ValueError, match="not a file written by wf.save"):
        wf.load(plain)


def test_save_rejects_what_it_cannot_store(tmp_path):
    with pytest.raises(TypeError, match="cannot store"):
        wf.save({"f": lambda x: x}, tmp_path / "x")
    with pytest.raises(TypeError, match="keys must be strings"):
        wf.save({1: wf.ones(1)}, tmp_path / "x")
