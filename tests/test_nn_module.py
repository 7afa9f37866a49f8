"""wf.nn's Module machinery, repr, dtype policy, losses, init, clipping and seeding, against
torch where torch defines the answer."""
import math

import numpy as np
import pytest

import weifen as wf

torch = pytest.importorskip("torch")
TF = torch.nn.functional
nn = wf.nn
F = wf.nn.functional


def A(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)


def close(a, b, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(A(a), A(b), rtol=rtol, atol=atol)


# ================================================================ repr
def test_repr_matches_torch_for_every_layer():
    pairs = [(nn.Linear(2, 16), torch.nn.Linear(2, 16)),
             (nn.Linear(3, 1, bias=False), torch.nn.Linear(3, 1, bias=False)),
             (nn.Conv2d(1, 8, 3), torch.nn.Conv2d(1, 8, 3)),
             (nn.Conv2d(1, 2, 3, padding="same"), torch.nn.Conv2d(1, 2, 3, padding="same")),
             (nn.Conv2d(2, 4, (3, 5), 2, 1, 2, 2, False, "reflect"),
              torch.nn.Conv2d(2, 4, (3, 5), 2, 1, 2, 2, False, "reflect")),
             (nn.MaxPool2d(2), torch.nn.MaxPool2d(2)),
             (nn.MaxPool2d((2, 3), 1, 1, ceil_mode=True),
              torch.nn.MaxPool2d((2, 3), 1, 1, ceil_mode=True)),
             (nn.AvgPool2d(3, 2), torch.nn.AvgPool2d(3, 2)),
             (nn.Dropout(), torch.nn.Dropout()), (nn.Embedding(10, 3, padding_idx=0),
                                                   torch.nn.Embedding(10, 3, padding_idx=0)),
             (nn.LayerNorm((2, 3), bias=False), torch.nn.LayerNorm((2, 3), bias=False)),
             (nn.BatchNorm1d(4, momentum=None, affine=False),
              torch.nn.BatchNorm1d(4, momentum=None, affine=False)),
             (nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)),
             (nn.Flatten(), torch.nn.Flatten()), (nn.Identity(), torch.nn.Identity()),
             (nn.GELU(), torch.nn.GELU()), (nn.SiLU(), torch.nn.SiLU()),
             (nn.Softmax(), torch.nn.Softmax()), (nn.LogSoftmax(1), torch.nn.LogSoftmax(1)),
             (nn.ReLU(), torch.nn.ReLU()), (nn.ReLU(inplace=True), torch.nn.ReLU(inplace=True)),
             (nn.LeakyReLU(), torch.nn.LeakyReLU()), (nn.ELU(), torch.nn.ELU()),
             (nn.Softplus(), torch.nn.Softplus()),
             (nn.NLLLoss(), torch.nn.NLLLoss()), (nn.HuberLoss(delta=2.0),
                                                  torch.nn.HuberLoss(delta=2.0)),
             (nn.MSELoss(reduction="sum"), torch.nn.MSELoss(reduction="sum")),
             (nn.CrossEntropyLoss(label_smoothing=0.1),
              torch.nn.CrossEntropyLoss(label_smoothing=0.1)),
             (nn.BCELoss(), torch.nn.BCELoss()), (nn.BCEWithLogitsLoss(),
                                                  torch.nn.BCEWithLogitsLoss()),
             (nn.L1Loss(), torch.nn.L1Loss()), (nn.SmoothL1Loss(), torch.nn.SmoothL1Loss())]
    for w, t in pairs:
        assert repr(w) == repr(t)


def test_nested_repr_matches_torch():
    def build(m):
        inner = m.Sequential(m.Linear(16, 1), m.ReLU())
        return m.Sequential(m.Linear(2, 16), m.Tanh(), inner,
                            m.ModuleList([m.Linear(2, 2), m.Linear(2, 2), m.ReLU(),
                                          m.Linear(2, 2)]),
                            m.ModuleDict({"a": m.Identity(), "b": m.Sequential()}))

    assert repr(build(nn)) == repr(build(torch.nn))
    assert repr(nn.ModuleList()) == repr(torch.nn.ModuleList()) == "ModuleList()"

    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Linear(2, 2)

        def extra_repr(self):
            return "scale=2\nmode='fast'"

    class TCustom(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Linear(2, 2)

        def extra_repr(self):
            return "scale=2\nmode='fast'"

    TCustom.__name__ = "Custom"
    assert repr(nn.Sequential(Custom())) == repr(torch.nn.Sequential(TCustom()))


def test_repr_of_a_deep_nest_needs_no_recursion():
    m = nn.Identity()
    for _ in range(3000):
        m = nn.Sequential(m)
    assert repr(m).count("Sequential(") == 3000
    assert len(list(m.modules())) == 3001
    assert list(m.state_dict()) == []


# ================================================================ traversal and registration
class Net(nn.Module):
    def __init__(self, m=nn):
        super().__init__()
        self.l1 = m.Linear(3, 4)
        self.block = m.Sequential(m.Linear(4, 4), m.BatchNorm1d(4))
        self.head = m.Linear(4, 2)

    def forward(self, x):
        return self.head(self.block(self.l1(x)))


class TNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = torch.nn.Linear(3, 4)
        self.block = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4))
        self.head = torch.nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.block(self.l1(x)))


TNet.__name__ = "Net"


def test_traversal_names_and_order_match_torch():
    w, t = Net(), TNet()
    assert [k for k, _ in w.named_modules()] == [k for k, _ in t.named_modules()]
    assert [k for k, _ in w.named_children()] == [k for k, _ in t.named_children()]
    assert [k for k, _ in w.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert [k for k, _ in w.named_buffers()] == [k for k, _ in t.named_buffers()]
    assert list(w.state_dict()) == list(t.state_dict())
    assert [type(m).__name__ for m in w.modules()] == [type(m).__name__ for m in t.modules()]
    order, torder = [], []
    w.apply(lambda m: order.append(type(m).__name__))
    t.apply(lambda m: torder.append(type(m).__name__))
    assert order == torder  # children first
    assert w.get_submodule("block.1") is w.block[1]


def test_shared_modules_as_torch():
    lin = nn.Linear(2, 2)
    tlin = torch.nn.Linear(2, 2)
    w, t = nn.Sequential(lin, nn.ReLU(), lin), torch.nn.Sequential(tlin, torch.nn.ReLU(), tlin)
    assert [k for k, _ in w.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert list(w.state_dict()) == list(t.state_dict())  # state_dict keeps every name
    assert [k for k, _ in w.named_modules()] == [k for k, _ in t.named_modules()]


def test_reassigned_parameter_keeps_its_position_as_torch():
    def names(mod, m):
        m.a = mod.Parameter(wf.ones(1) if mod is nn else torch.ones(1))
        m.b = mod.Parameter(wf.ones(1) if mod is nn else torch.ones(1))
        m.a = mod.Parameter(wf.zeros(1) if mod is nn else torch.zeros(1))
        return [k for k, _ in m.named_parameters()]

    assert names(nn, nn.Module()) == names(torch.nn, torch.nn.Module()) == ["a", "b"]
    lin = nn.Linear(2, 3)
    lin.weight = nn.Parameter(wf.zeros(3, 2))
    assert [k for k, _ in lin.named_parameters()] == ["weight", "bias"]


def test_buffers_and_state_dict_round_trip_with_torch():
    wf.manual_seed(0)
    w, t = Net(), TNet()
    w.train()
    for _ in range(2):
        w(wf.randn(5, 3))
    sd = {k: torch.tensor(np.asarray(v)) for k, v in w.state_dict().items()}
    t.double().load_state_dict(sd)  # weifen's state_dict loads into torch ...
    x = np.random.default_rng(0).standard_normal((5, 3))
    w.eval()
    t.eval().double()
    close(w(wf.tensor(x)), t(torch.tensor(x)))
    w2 = Net()
    w2.load_state_dict({k: v.numpy() for k, v in t.state_dict().items()})  # ... and back
    w2.eval()
    close(w2(wf.tensor(x)), w(wf.tensor(x)))
    assert int(w2.block[1].num_batches_tracked) == 2
    m = nn.Module()
    m.register_buffer("kept", wf.zeros(2))
    m.register_buffer("scratch", wf.zeros(2), persistent=False)
    assert list(m.state_dict()) == ["kept"] and len(list(m.buffers())) == 2
    m.kept = wf.ones(2)  # assigning a Tensor to a buffer's name replaces the buffer
    assert float(m.state_dict()["kept"].sum()) == 2.0
    with pytest.raises(ValueError, match="missing keys"):
        w2.load_state_dict({})
    res = w2.load_state_dict({}, strict=False)
    assert "l1.weight" in res.missing_keys and res.unexpected_keys == []


def test_float_double_to_convert_parameters_grads_and_buffers_in_place():
    w = Net()
    p = w.l1.weight
    (w(wf.ones(2, 3)) ** 2).sum().backward()
    assert w.float() is w
    assert p is w.l1.weight and p.dtype == np.float32 and p.grad.dtype == np.float32
    assert w.block[1].running_mean.dtype == np.float32
    assert w.block[1].num_batches_tracked.dtype == np.int64
    assert w.to(wf.float64).head.bias.dtype == np.float64
    assert w.to("cpu") is w and w.to(wf.ones(1, dtype=wf.float32)).l1.bias.dtype == np.float32
    assert w.double().l1.weight.dtype == np.float64
    with pytest.raises(TypeError, match="device"):
        w.to("cuda")
    assert not any(q.requires_grad for q in w.requires_grad_(False).parameters())


# ================================================================ dtype policy
def test_default_dtype_governs_parameters_and_float_factories():
    assert wf.get_default_dtype() == np.float64
    assert nn.Linear(2, 2).weight.dtype == np.float64
    try:
        wf.set_default_dtype(wf.float32)
        assert wf.get_default_dtype() == np.float32
        for m in (nn.Linear(2, 2), nn.Conv2d(1, 1, 2), nn.LayerNorm(3), nn.BatchNorm1d(2),
                  nn.Embedding(3, 2)):
            assert all(p.dtype == np.float32 for p in m.parameters())
        assert nn.Linear(2, 2, dtype=wf.float64).weight.dtype == np.float64
        for t in (wf.zeros(2), wf.ones(2), wf.full((2,), 1.5), wf.eye(2), wf.rand(2),
                  wf.randn(2), wf.linspace(0, 1, 3), wf.arange(3.0), wf.tensor([1.0, 2.0]),
                  wf.tensor(2.0)):
            assert t.dtype == np.float32, t
        # as torch: integer data stays integer, NumPy arrays keep their dtype
        assert wf.arange(3).dtype == np.int64 and wf.full((2,), 3).dtype.kind == "i"
        assert wf.tensor(np.ones(2)).dtype == np.float64 and wf.tensor([1, 2]).dtype.kind == "i"
        assert wf.array([1.0]).dtype == np.float64  # NumPy's name: NumPy's rule
        with pytest.raises(TypeError, match="float32 and float64"):
            wf.set_default_dtype(wf.int32)
    finally:
        wf.set_default_dtype(wf.float64)
    assert wf.zeros(1).dtype == np.float64 and wf.tensor([1.0]).dtype == np.float64


@pytest.mark.parametrize("layer,shape", [(lambda **k: nn.Linear(4, 2, **k), (3, 4)),
                                         (lambda **k: nn.Conv2d(1, 2, 3, **k), (1, 1, 5, 5)),
                                         (lambda **k: nn.LayerNorm(4, **k), (3, 4)),
                                         (lambda **k: nn.BatchNorm1d(4, **k), (3, 4))])
def test_a_float_input_of_another_dtype_is_an_error_naming_both_and_the_fix(layer, shape):
    m = layer()
    with pytest.raises(TypeError, match=r"float64 parameters but got a float32 input.*"
                                        r"x\.double\(\).*model\.float\(\)"):
        m(wf.ones(shape, dtype=wf.float32))
    m32 = layer(dtype=wf.float32)
    with pytest.raises(TypeError, match=r"float32 parameters but got a float64 input.*"
                                        r"x\.float\(\).*model\.double\(\)"):
        m32(wf.ones(shape))
    assert m32(wf.ones(shape).float()).dtype == np.float32  # the fix works
    assert m.float()(wf.ones(shape, dtype=wf.float32)).dtype == np.float32
    with pytest.raises(RuntimeError, match="same dtype"):  # torch refuses the same mix
        torch.nn.Linear(4, 2)(torch.ones(3, 4, dtype=torch.float64))


def test_shape_errors_name_the_module_and_its_expected_input():
    with pytest.raises(ValueError, match=re_escape(
            "Linear(in_features=4, out_features=2, bias=True) expects input of shape "
            "(..., 4), got (3, 5)")):
        nn.Linear(4, 2)(wf.ones(3, 5))
    with pytest.raises(ValueError, match=re_escape(
            "Conv2d(3, 2, kernel_size=(3, 3), stride=(1, 1)) expects input of shape "
            "(N, 3, H, W) or (3, H, W), got (2, 1, 8, 8)")):
        nn.Conv2d(3, 2, 3)(wf.ones(2, 1, 8, 8))
    with pytest.raises(ValueError, match=re_escape("expects input of shape (*, 4), got (2, 3)")):
        nn.LayerNorm(4)(wf.ones(2, 3))
    with pytest.raises(ValueError, match="kernel"):
        nn.Conv2d(1, 1, 5)(wf.ones(1, 1, 3, 3))
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(2, 1))
    with pytest.raises(ValueError, match=re_escape("Linear(in_features=2, out_features=1, "
                                                   "bias=True) expects input of shape (..., 2), "
                                                   "got (5, 3)")) as info:
        net(wf.ones(5, 4))
    assert info.value.__notes__ == ["(raised by layer (2) of a Sequential)"]


def re_escape(s):
    import re

    return re.escape(s)


# ================================================================ losses against torch
def _loss_pair(wl, tl, x, target, rtol=1e-10):
    xw, xt = wf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    tt = torch.tensor(target)
    lw, lt = wl(xw, target), tl(xt, tt)
    close(lw, lt, rtol=rtol)
    lw.sum().backward()
    lt.sum().backward()
    close(xw.grad, xt.grad, rtol=rtol * 10)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_class_index_losses_match_torch(reduction):
    rng = np.random.default_rng(1)
    x2 = rng.standard_normal((6, 4)) * 2
    y2 = np.array([0, 3, 1, -100, 2, 3])
    x3 = rng.standard_normal((3, 4, 5))
    y3 = rng.integers(0, 4, (3, 5))
    y3[0, 1] = 2
    w = rng.uniform(0.2, 2.0, 4)
    for kw in [dict(), dict(weight=w), dict(ignore_index=3), dict(weight=w, ignore_index=1)]:
        tkw = {k: torch.tensor(v) if k == "weight" else v for k, v in kw.items()}
        for x, y in [(x2, np.where(y2 < 0, 0, y2)), (x3, y3), (x2[0], y2[1])]:
            _loss_pair(nn.CrossEntropyLoss(reduction=reduction, **kw),
                       torch.nn.CrossEntropyLoss(reduction=reduction, **tkw), x, y)
            for ls in (0.1, 0.3):
                _loss_pair(nn.CrossEntropyLoss(reduction=reduction, label_smoothing=ls, **kw),
                           torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=ls,
                                                     **tkw), x, y)
            logp = x - np.log(np.exp(x).sum(axis=1 if x.ndim > 1 else 0, keepdims=True))
            _loss_pair(nn.NLLLoss(reduction=reduction, **kw),
                       torch.nn.NLLLoss(reduction=reduction, **tkw), logp, y)
    # ignore_index = -100 by default: those rows count for nothing
    _loss_pair(nn.CrossEntropyLoss(reduction=reduction), torch.nn.CrossEntropyLoss(
        reduction=reduction), x2, y2)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_probability_targets_and_pointwise_losses_match_torch(reduction):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 3)) * 2
    probs = rng.dirichlet(np.ones(3), 5)
    w = rng.uniform(0.5, 2, 3)
    p = 1 / (1 + np.exp(-x))
    yb = (rng.random((5, 3)) > 0.5).astype(float)
    t = rng.standard_normal((5, 3)) * 2
    R = dict(reduction=reduction)
    cases = [(nn.CrossEntropyLoss(**R), torch.nn.CrossEntropyLoss(**R), x, probs),
             (nn.CrossEntropyLoss(weight=w, label_smoothing=0.2, **R),
              torch.nn.CrossEntropyLoss(weight=torch.tensor(w), label_smoothing=0.2, **R),
              x, probs),
             (nn.HuberLoss(**R), torch.nn.HuberLoss(**R), x, t),
             (nn.HuberLoss(delta=0.5, **R), torch.nn.HuberLoss(delta=0.5, **R), x, t),
             (nn.SmoothL1Loss(beta=0.7, **R), torch.nn.SmoothL1Loss(beta=0.7, **R), x, t),
             (nn.L1Loss(**R), torch.nn.L1Loss(**R), x, t),
             (nn.MSELoss(**R), torch.nn.MSELoss(**R), x, t),
             (nn.BCELoss(weight=w, **R), torch.nn.BCELoss(weight=torch.tensor(w), **R), p, yb),
             (nn.BCEWithLogitsLoss(pos_weight=w, **R),
              torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w), **R), x * 10, yb)]
    for wl, tl, inp, tgt in cases:
        _loss_pair(wl, tl, inp, tgt, rtol=1e-9)
    we = rng.uniform(0.5, 2, x.shape)
    close(F.huber_loss(wf.tensor(x), wf.tensor(t), weight=wf.tensor(we)),
          TF.huber_loss(torch.tensor(x), torch.tensor(t), weight=torch.tensor(we)))


def test_float_class_labels_say_class_indices_must_be_integers():
    logits = wf.ones(4, 3)
    for target in (np.array([0.0, 1.0, 2.0, 1.0]), wf.tensor([0.0, 1.0, 2.0, 1.0])):
        for loss in (nn.CrossEntropyLoss(), nn.NLLLoss()):
            with pytest.raises((TypeError, ValueError),
                               match="class-index targets must be integers"):
                loss(logits, target)
    with pytest.raises(TypeError, match="integers"):  # a TypeError and a ValueError both
        nn.CrossEntropyLoss()(logits, np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="class indices of shape"):
        nn.CrossEntropyLoss()(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match="out of range"):
        nn.NLLLoss()(logits, np.array([0, 1, 3, 0]))


# ================================================================ init
def test_gain_and_fans_match_torch():
    from weifen.nn.init import _calculate_fan_in_and_fan_out as wfan

    for nl, param in [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None),
                      ("relu", None), ("leaky_relu", None), ("leaky_relu", 0.2),
                      ("selu", None)]:
        assert nn.init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)
    for shape in [(3, 4), (8, 3, 5, 5), (2, 6, 7)]:
        assert wfan(wf.zeros(shape)) == torch.nn.init._calculate_fan_in_and_fan_out(
            torch.zeros(shape))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        nn.init.xavier_uniform_(wf.zeros(3))


@pytest.mark.parametrize("name,kw,shape", [
    ("xavier_uniform_", {"gain": 2.0}, (200, 300)), ("xavier_normal_", {}, (200, 300)),
    ("kaiming_uniform_", {"nonlinearity": "relu"}, (300, 20, 3, 3)),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}, (300, 20, 3, 3)),
    ("kaiming_uniform_", {"a": math.sqrt(5)}, (400, 150)), ("normal_", {"std": 0.5}, (500, 200)),
    ("uniform_", {"a": -3.0, "b": 1.0}, (500, 200)),
    ("trunc_normal_", {"std": 1.5, "a": -1.0, "b": 2.0}, (500, 200))])
def test_init_distributions_match_torch_statistics(name, kw, shape):
    wf.manual_seed(0)
    torch.manual_seed(0)
    w = getattr(nn.init, name)(wf.zeros(shape, dtype=wf.float32), **kw)
    t = getattr(torch.nn.init, name)(torch.zeros(shape), **kw).numpy()
    a = A(w)
    assert w.dtype == np.float32
    bounded = "uniform" in name or "trunc" in name  # the extremes of a normal are noisy
    for stat in (np.mean, np.std) + ((np.min, np.max) if bounded else ()):
        assert abs(stat(a) - stat(t)) < 0.03 * max(1.0, np.std(t)) + 0.02 * abs(stat(t)), stat


def test_constant_initialisers_and_orthogonal():
    for name, want in [("zeros_", 0.0), ("ones_", 1.0)]:
        assert A(getattr(nn.init, name)(wf.randn(3))).tolist() == [want] * 3
    assert A(nn.init.constant_(wf.zeros(2, 2), 0.3)).tolist() == [[0.3, 0.3]] * 2
    close(nn.init.eye_(wf.zeros(3, 4)), torch.nn.init.eye_(torch.zeros(3, 4, dtype=torch.float64)))
    q = A(nn.init.orthogonal_(wf.zeros(4, 6), gain=2.0))
    close(q @ q.T, 4 * np.eye(4), atol=1e-12)


def test_default_layer_init_is_torchs():
    wf.manual_seed(1)
    lin = nn.Linear(50, 400)
    bound = 1 / math.sqrt(50)
    assert abs(lin.weight).max() <= bound and abs(lin.weight).max() > 0.98 * bound
    assert abs(float(lin.weight.std()) - bound / math.sqrt(3)) < 0.01
    conv = nn.Conv2d(4, 64, 3, groups=2)
    b = 1 / math.sqrt(2 * 9)
    assert abs(conv.weight).max() <= b and abs(conv.bias).max() <= b
    emb = nn.Embedding(1000, 20)
    assert abs(float(emb.weight.std()) - 1.0) < 0.02


# ================================================================ clipping
@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(3)
    gs = [rng.standard_normal(s) for s in [(3, 4), (4,), ()]]
    ws = [nn.Parameter(wf.zeros(g.shape)) for g in gs]
    ts = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in gs]
    for w, t, g in zip(ws, ts, gs):
        w.grad = wf.tensor(g)
        t.grad = torch.tensor(g)
    nw = nn.utils.clip_grad_norm_(ws, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type)
    close(nw, nt)
    for w, t in zip(ws, ts):
        close(w.grad, t.grad)
    with pytest.raises(RuntimeError, match="non-finite"):
        ws[0].grad = wf.tensor(np.full((3, 4), np.inf))
        nn.utils.clip_grad_norm_(ws, 1.0, error_if_nonfinite=True)


def test_clip_grad_value_and_vectors_match_torch():
    g = np.random.default_rng(4).standard_normal((5, 3)) * 3
    w, t = nn.Parameter(wf.zeros(5, 3)), torch.nn.Parameter(torch.zeros(5, 3, dtype=torch.float64))
    w.grad, t.grad = wf.tensor(g), torch.tensor(g)
    nn.utils.clip_grad_value_(w, 1.5)
    torch.nn.utils.clip_grad_value_(t, 1.5)
    close(w.grad, t.grad)
    lin = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(lin.parameters())
    nn.utils.vector_to_parameters(v * 2, lin.parameters())
    close(nn.utils.parameters_to_vector(lin.parameters()), A(v) * 2)


# ================================================================ seeding and Tensor methods
def test_manual_seed_makes_draws_and_initialisation_reproducible():
    def draw():
        net = nn.Sequential(nn.Linear(3, 4), nn.Conv2d(1, 2, 3), nn.Embedding(5, 2))
        return [A(p).copy() for p in net.parameters()] + [A(wf.rand(3)), A(wf.randn(2, 2))]

    wf.manual_seed(42)
    a = draw()
    wf.manual_seed(42)
    b = draw()
    np.random.seed(42)  # the one generator weifen draws from is NumPy's global one
    c = draw()
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)
    wf.manual_seed(43)
    assert not np.array_equal(draw()[0], a[0])
    with pytest.raises(TypeError):
        wf.manual_seed(1.5)


def test_tensor_methods_have_torch_meanings():
    x = np.arange(24.0).reshape(2, 3, 4)
    xw, xt = wf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ops = [lambda t: t.view(6, 4), lambda t: t.view(-1), lambda t: t.view((4, 6)),
           lambda t: t.unsqueeze(0), lambda t: t.unsqueeze(-1), lambda t: t.unsqueeze(2),
           lambda t: t.flatten(), lambda t: t.flatten(1), lambda t: t.flatten(0, 1),
           lambda t: t.flatten(-2, -1), lambda t: t.permute(2, 0, 1),
           lambda t: t.float(), lambda t: t.double(), lambda t: t.clone(),
           lambda t: t.to(t.dtype), lambda t: t.float().to(torch.float64 if
                                                            isinstance(t, torch.Tensor)
                                                            else wf.float64)]
    g = np.random.default_rng(0).standard_normal
    for op in ops:
        ow, ot = op(xw), op(xt)
        assert ow.shape == tuple(ot.shape) and str(ow.dtype) == str(ot.dtype).split(".")[-1]
        c = g(ow.shape)
        (ow * wf.tensor(c, dtype=ow.dtype)).sum().backward()
        (ot * torch.tensor(c, dtype=ot.dtype)).sum().backward()
        close(xw.grad, xt.grad, rtol=1e-6)
    assert xw.double() is xw and xw.to(wf.float64) is xw and xw.to("cpu") is xw
    assert wf.tensor(3.0).flatten().shape == (1,)
    c = xw.clone()
    assert c is not xw and c.grad_fn is not None
