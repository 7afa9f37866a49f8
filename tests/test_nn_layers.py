"""wf.nn layers and wf.nn.functional against torch: the same weights and inputs give the same
outputs, input gradients, parameter gradients and buffers, in float64 and float32, in train
and eval mode."""
import numpy as np
import pytest

import weifen as wf

torch = pytest.importorskip("torch")
TF = torch.nn.functional
nn = wf.nn
F = wf.nn.functional

TDT = {np.float64: torch.float64, np.float32: torch.float32}
TOL = {np.float64: dict(rtol=1e-9, atol=1e-11), np.float32: dict(rtol=2e-4, atol=2e-5)}
DTYPES = [np.float64, np.float32]


def A(t):
    return np.asarray(t.detach() if hasattr(t, "requires_grad") and hasattr(t, "grad_fn")
                      and isinstance(t, torch.Tensor) else t)


def close(a, b, dtype=np.float64, what=""):
    np.testing.assert_allclose(A(a), A(b), err_msg=what, **TOL[dtype])


def twin(wm, tm, dtype):
    """Copy the weifen module's parameters and buffers into the torch module (same names)."""
    tm.to(TDT[dtype])
    tsd = tm.state_dict()
    wsd = wm.state_dict()
    assert list(wsd) == list(tsd), (list(wsd), list(tsd))
    with torch.no_grad():
        for k, v in wsd.items():
            tsd[k].copy_(torch.tensor(np.asarray(v)))
    return tm


def run_both(wm, tm, x, dtype, train=True, grad_input=True, seed=0):
    """Forward and backward of both with one random cotangent; compare everything."""
    wm.train(train)
    tm.train(train)
    xw = wf.tensor(x, requires_grad=grad_input)
    xt = torch.tensor(x, requires_grad=grad_input)
    ow, ot = wm(xw), tm(xt)
    close(ow, ot, dtype, "output")
    g = np.random.default_rng(seed).standard_normal(ot.shape).astype(dtype)
    (ow * g).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    if grad_input:
        close(xw.grad, xt.grad, dtype, "input gradient")
    tp = dict(tm.named_parameters())
    for k, p in wm.named_parameters():
        close(p.grad, tp[k].grad, dtype, f"gradient of {k}")
    tsd = tm.state_dict()
    for k, v in wm.state_dict().items():
        close(v, tsd[k], dtype, f"state {k}")
    return ow


def rnd(shape, dtype=np.float64, seed=1, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


# ================================================================ linear and conv
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
def test_linear(dtype, bias):
    wm = nn.Linear(4, 3, bias=bias, dtype=dtype)
    tm = twin(wm, torch.nn.Linear(4, 3, bias=bias), dtype)
    run_both(wm, tm, rnd((5, 4), dtype), dtype)
    run_both(wm, tm, rnd((2, 5, 4), dtype), dtype)   # leading axes
    run_both(wm, tm, rnd((4,), dtype), dtype)        # one example


CONV_CASES = [
    dict(in_channels=3, out_channels=4, kernel_size=3),
    dict(in_channels=2, out_channels=4, kernel_size=(3, 2), stride=2, padding=1),
    dict(in_channels=4, out_channels=6, kernel_size=3, padding=2, dilation=2, groups=2),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding="same", bias=False),
    dict(in_channels=2, out_channels=3, kernel_size=(2, 4), padding="same", dilation=(2, 1)),
    dict(in_channels=2, out_channels=2, kernel_size=3, padding="valid", stride=(1, 2)),
    dict(in_channels=4, out_channels=4, kernel_size=3, padding=1, groups=4),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="reflect"),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding=(2, 1), padding_mode="replicate"),
    dict(in_channels=2, out_channels=3, kernel_size=3, padding=1, padding_mode="circular"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", CONV_CASES, ids=lambda kw: ",".join(f"{k}={v}" for k, v in
                                                                    kw.items()))
def test_conv2d(dtype, kw):
    wm = nn.Conv2d(**kw, dtype=dtype)
    tm = twin(wm, torch.nn.Conv2d(**kw), dtype)
    assert repr(wm) == repr(tm)
    run_both(wm, tm, rnd((2, kw["in_channels"], 7, 8), dtype), dtype)
    run_both(wm, tm, rnd((kw["in_channels"], 6, 5), dtype), dtype)  # unbatched


@pytest.mark.parametrize("dtype", DTYPES)
def test_conv2d_functional_and_unfold_fold(dtype):
    x, w, b = rnd((2, 4, 6, 6), dtype), rnd((6, 2, 3, 3), dtype, 2), rnd((6,), dtype, 3)
    kw = dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)
    out = F.conv2d(wf.tensor(x), wf.tensor(w), wf.tensor(b), **kw)
    close(out, TF.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), **kw), dtype)
    u = F.unfold(wf.tensor(x), (2, 3), dilation=2, padding=1, stride=(1, 2))
    tu = TF.unfold(torch.tensor(x), (2, 3), dilation=2, padding=1, stride=(1, 2))
    close(u, tu, dtype)
    close(F.fold(u, (6, 6), (2, 3), dilation=2, padding=1, stride=(1, 2)),
          TF.fold(tu, (6, 6), (2, 3), dilation=2, padding=1, stride=(1, 2)), dtype)


def test_conv2d_second_order_matches_torch():
    x, w = rnd((1, 2, 5, 5)), rnd((3, 2, 3, 3), seed=2)

    def f(x, w):
        return (F.conv2d(x, w, padding=1, stride=2) ** 2).sum()

    xw, ww = wf.tensor(x, requires_grad=True), wf.tensor(w, requires_grad=True)
    gx, = wf.autograd.grad(f(xw, ww), [xw], create_graph=True)
    (gx * gx).sum().backward()
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    gxt, = torch.autograd.grad((TF.conv2d(xt, wt, padding=1, stride=2) ** 2).sum(), [xt],
                               create_graph=True)
    (gxt * gxt).sum().backward()
    close(gx, gxt)
    close(ww.grad, wt.grad)
    close(xw.grad, xt.grad)


def test_conv2d_per_example_gradients_by_vmap():
    x, w = rnd((4, 2, 5, 5)), rnd((3, 2, 3, 3), seed=2)

    def loss(w, xi):
        return (F.conv2d(xi, w, padding=1) ** 2).mean()

    per = wf.vmap(wf.grad(loss), in_axes=(None, 0))(w, x)
    want = [torch.autograd.grad((TF.conv2d(torch.tensor(x[i]), wt, padding=1) ** 2).mean(),
                                [wt])[0].numpy()
            for i in range(4) for wt in [torch.tensor(w, requires_grad=True)]]
    close(per, np.stack(want))


def test_conv2d_jvp_matches_torch_func():
    x, w, dx = rnd((1, 2, 5, 5)), rnd((3, 2, 3, 3), seed=2), rnd((1, 2, 5, 5), seed=3)
    out, t = wf.jvp(lambda x: F.conv2d(x, w, stride=2, padding=1), (x,), (dx,))
    tout, tt = torch.func.jvp(lambda x: TF.conv2d(x, torch.tensor(w), stride=2, padding=1),
                              (torch.tensor(x),), (torch.tensor(dx),))
    close(out, tout)
    close(t, tt)


# ================================================================ pooling
POOL_CASES = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
              dict(kernel_size=(2, 3), stride=(1, 2)), dict(kernel_size=3, dilation=2),
              dict(kernel_size=3, stride=2, ceil_mode=True),
              dict(kernel_size=2, stride=2, padding=1, ceil_mode=True)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", POOL_CASES, ids=str)
def test_max_pool2d(dtype, kw):
    wm, tm = nn.MaxPool2d(**kw), torch.nn.MaxPool2d(**kw)
    assert repr(wm) == repr(tm)
    run_both(wm, tm, rnd((2, 3, 7, 8), dtype), dtype)
    run_both(wm, tm, rnd((3, 7, 6), dtype), dtype)


@pytest.mark.parametrize("kw", POOL_CASES, ids=str)
def test_max_pool2d_of_channels_last_memory(kw):
    # a convolution's output lies in memory as (N, H, W, C): pooling takes another path there
    base = rnd((2, 7, 8, 3))
    x = np.moveaxis(base, -1, -3)
    assert not x.flags.c_contiguous
    xw = wf.tensor(base, requires_grad=True)
    xt = torch.tensor(base, requires_grad=True)
    ow = F.max_pool2d(xw.permute(0, 3, 1, 2), **kw)
    ot = TF.max_pool2d(xt.permute(0, 3, 1, 2), **kw)
    close(ow, ot)
    g = rnd(tuple(ot.shape), seed=5)
    (ow * g).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    close(xw.grad, xt.grad)
    # second order through the routing primitives: d/dv <grad, v> is the routing again
    v = rnd(x.shape, seed=6)
    hv = wf.jvp(wf.grad(lambda x: (F.max_pool2d(x, **kw) ** 2).sum()), (x,), (v,))[1]
    xt2 = torch.tensor(x, requires_grad=True)
    gt, = torch.autograd.grad((TF.max_pool2d(xt2, **kw) ** 2).sum(), [xt2], create_graph=True)
    close(hv, torch.autograd.grad((gt * torch.tensor(v)).sum(), [xt2])[0])


def test_max_pool2d_ties_send_the_gradient_to_the_first_maximum_as_torch():
    x = np.array([[[[1.0, 1.0, 0.0, 2.0], [1.0, 0.0, 2.0, 2.0]]]])
    xw, xt = wf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    F.max_pool2d(xw, 2).sum().backward()
    TF.max_pool2d(xt, 2).sum().backward()
    close(xw.grad, xt.grad)
    # relu then pool: windows of zeros
    y = np.array([[[[-1.0, -2.0], [-3.0, -1.0]]]])
    yw, yt = wf.tensor(y, requires_grad=True), torch.tensor(y, requires_grad=True)
    F.max_pool2d(F.relu(yw), 2).sum().backward()
    TF.max_pool2d(TF.relu(yt), 2).sum().backward()
    close(yw.grad, yt.grad)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
                                dict(kernel_size=3, padding=1, count_include_pad=False),
                                dict(kernel_size=2, divisor_override=3)], ids=str)
def test_avg_pool2d(dtype, kw):
    wm, tm = nn.AvgPool2d(**kw), torch.nn.AvgPool2d(**kw)
    assert repr(wm) == repr(tm)
    run_both(wm, tm, rnd((2, 3, 7, 6), dtype), dtype)


# ================================================================ normalisation
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [dict(), dict(elementwise_affine=False), dict(bias=False),
                                dict(eps=1e-3)], ids=str)
def test_layer_norm(dtype, kw):
    for shape, ns in [((4, 5), 5), ((2, 3, 4), (3, 4))]:
        wm = nn.LayerNorm(ns, **kw, dtype=dtype)
        with torch.no_grad():
            if wm.weight is not None:
                wm.weight._data[...] = rnd(wm.weight.shape, dtype, 5)
        tm = twin(wm, torch.nn.LayerNorm(ns, **kw), dtype)
        assert repr(wm) == repr(tm)
        run_both(wm, tm, rnd(shape, dtype, scale=3.0), dtype)


BN_CASES = [dict(), dict(momentum=None), dict(affine=False), dict(track_running_stats=False),
            dict(momentum=0.3, eps=1e-3), dict(bias=False)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", BN_CASES, ids=str)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5)])
def test_batch_norm1d_train_then_eval(dtype, kw, shape):
    wm = nn.BatchNorm1d(3, **kw, dtype=dtype)
    if wm.weight is not None:
        wm.weight._data[...] = rnd(3, dtype, 7) + 1
    tm = twin(wm, torch.nn.BatchNorm1d(3, **kw), dtype)
    assert repr(wm) == repr(tm)
    for step in range(3):  # the running statistics move as torch's (checked in run_both)
        for p in list(wm.parameters()):
            p.grad = None
        tm.zero_grad()
        run_both(wm, tm, rnd(shape, dtype, seed=step, scale=2.0) + step, dtype, train=True)
    run_both(wm, tm, rnd(shape, dtype, seed=9), dtype, train=False)


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_norm2d(dtype):
    wm = nn.BatchNorm2d(3, dtype=dtype)
    tm = twin(wm, torch.nn.BatchNorm2d(3), dtype)
    run_both(wm, tm, rnd((2, 3, 4, 5), dtype), dtype, train=True)
    run_both(wm, tm, rnd((2, 3, 4, 5), dtype, 3), dtype, train=False)


def test_batch_norm_errors_and_functional_form():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(wf.ones(1, 3))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3, .*\) expects input of shape "
                                         r"\(N, 3\) or \(N, 3, L\), got \(4, 2\)"):
        nn.BatchNorm1d(3)(wf.ones(4, 2))
    x = rnd((5, 3, 2))
    rm, rv = np.zeros(3), np.ones(3)
    trm, trv = torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64)
    wrm, wrv = wf.tensor(rm), wf.tensor(rv)
    out = F.batch_norm(wf.tensor(x), wrm, wrv, training=True, momentum=0.2)
    tout = TF.batch_norm(torch.tensor(x), trm, trv, training=True, momentum=0.2)
    close(out, tout)
    close(wrm, trm)
    close(wrv, trv)
    close(F.batch_norm(wf.tensor(x), wrm, wrv), TF.batch_norm(torch.tensor(x), trm, trv))


# ================================================================ dropout and embedding
def test_dropout_train_and_eval():
    wf.manual_seed(0)
    drop = nn.Dropout(0.3)
    assert repr(drop) == repr(torch.nn.Dropout(0.3)) == "Dropout(p=0.3, inplace=False)"
    x = wf.tensor(rnd((200, 50)), requires_grad=True)
    y = drop(x)
    kept = A(y) != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(A(y)[kept], A(x)[kept] / 0.7, rtol=1e-12)
    y.sum().backward()
    np.testing.assert_allclose(A(x.grad), kept / 0.7)  # the same mask scales the gradient
    drop.eval()
    assert drop(x) is x
    assert float(F.dropout(x, 1.0).sum()) == 0.0 and F.dropout(x, 0.0) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


def test_dropout_masks_follow_manual_seed():
    wf.manual_seed(5)
    a = A(F.dropout(wf.ones(100)))
    wf.manual_seed(5)
    b = A(F.dropout(wf.ones(100)))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [dict(), dict(padding_idx=1), dict(padding_idx=-1),
                                dict(scale_grad_by_freq=True), dict(max_norm=1.0),
                                dict(max_norm=0.5, norm_type=1.0)], ids=str)
def test_embedding(dtype, kw):
    wm = nn.Embedding(6, 4, **kw, dtype=dtype)
    tm = twin(wm, torch.nn.Embedding(6, 4, **kw), dtype)
    assert repr(wm) == repr(tm)
    idx = np.array([[1, 2, 1], [5, 0, 1]])
    ow, ot = wm(idx), tm(torch.tensor(idx))
    close(ow, ot, dtype)
    g = rnd(ot.shape, dtype, 3)
    (ow * g).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    close(wm.weight.grad, tm.weight.grad, dtype)
    close(wm.weight, tm.weight, dtype)  # max_norm renormalised both in place


def test_embedding_errors_and_from_pretrained():
    e = nn.Embedding(3, 2)
    with pytest.raises(TypeError, match="integers"):
        e(wf.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="out of range"):
        e(np.array([3]))
    pre = nn.Embedding.from_pretrained(wf.eye(3))
    assert not pre.weight.requires_grad and repr(pre) == "Embedding(3, 3)"
    np.testing.assert_array_equal(A(F.one_hot(np.array([2, 0]), 4)),
                                  TF.one_hot(torch.tensor([2, 0]), 4).numpy())


# ================================================================ activations and the rest
ACTIVATIONS = [
    (lambda: nn.ReLU(), lambda: torch.nn.ReLU()),
    (lambda: nn.Tanh(), lambda: torch.nn.Tanh()),
    (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid()),
    (lambda: nn.GELU(), lambda: torch.nn.GELU()),
    (lambda: nn.GELU("tanh"), lambda: torch.nn.GELU("tanh")),
    (lambda: nn.SiLU(), lambda: torch.nn.SiLU()),
    (lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1)),
    (lambda: nn.Softmax(dim=-1), lambda: torch.nn.Softmax(dim=-1)),
    (lambda: nn.LogSoftmax(dim=1), lambda: torch.nn.LogSoftmax(dim=1)),
    (lambda: nn.LogSoftmax(dim=0), lambda: torch.nn.LogSoftmax(dim=0)),
    (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    (lambda: nn.ELU(0.7), lambda: torch.nn.ELU(0.7)),
    (lambda: nn.Softplus(), lambda: torch.nn.Softplus()),
    (lambda: nn.Softplus(beta=2.0, threshold=3.0), lambda: torch.nn.Softplus(2.0, 3.0)),
    (lambda: nn.Flatten(), lambda: torch.nn.Flatten()),
    (lambda: nn.Flatten(0, 1), lambda: torch.nn.Flatten(0, 1)),
    (lambda: nn.Unflatten(1, (2, 2)), lambda: torch.nn.Unflatten(1, (2, 2))),
    (lambda: nn.Identity(), lambda: torch.nn.Identity()),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", ACTIVATIONS, ids=lambda m: repr(m[1]()))
def test_activation_modules(dtype, make):
    wm, tm = make[0](), make[1]()
    assert repr(wm) == repr(tm)
    x = rnd((3, 4, 5), dtype, scale=3.0)
    x[0, 0, :2] = [0.0, 25.0]  # the kink at 0 and the softplus threshold
    run_both(wm, tm, x, dtype)


FUNCTIONAL = [
    ("relu", {}), ("leaky_relu", {"negative_slope": 0.3}), ("elu", {"alpha": 2.0}),
    ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("sigmoid", {}),
    ("tanh", {}), ("softplus", {"beta": 0.5}), ("softmax", {"dim": 0}),
    ("softmax", {"dim": 2}), ("log_softmax", {"dim": 1}), ("normalize", {}),
    ("normalize", {"p": 1.0, "dim": 0}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,kw", FUNCTIONAL, ids=lambda v: str(v))
def test_functional_forms(dtype, name, kw):
    x = rnd((2, 3, 4), dtype, scale=2.0)
    xw, xt = wf.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ow, ot = getattr(F, name)(xw, **kw), getattr(TF, name)(xt, **kw)
    close(ow, ot, dtype)
    g = rnd(x.shape, dtype, 4)
    (ow * g).sum().backward()
    (ot * torch.tensor(g)).sum().backward()
    close(xw.grad, xt.grad, dtype)


def test_linear_layer_norm_pad_functional():
    x, w, b = rnd((3, 4)), rnd((2, 4), seed=2), rnd((2,), seed=3)
    close(F.linear(wf.tensor(x), wf.tensor(w), wf.tensor(b)),
          TF.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b)))
    close(F.layer_norm(wf.tensor(x), (4,), eps=1e-3),
          TF.layer_norm(torch.tensor(x), (4,), eps=1e-3))
    for mode in ("constant", "reflect", "replicate", "circular"):
        img = rnd((1, 2, 4, 5))
        close(F.pad(wf.tensor(img), (1, 2, 2, 1), mode=mode),
              TF.pad(torch.tensor(img), (1, 2, 2, 1), mode=mode))


def test_gelu_second_derivative_matches_torch():
    x = rnd((5,), scale=2.0)
    for approx in ("none", "tanh"):
        d2 = wf.grad(lambda x: wf.grad(lambda x: F.gelu(x, approximate=approx).sum())(x).sum())
        xt = torch.tensor(x, requires_grad=True)
        g, = torch.autograd.grad(TF.gelu(xt, approximate=approx).sum(), [xt],
                                 create_graph=True)
        h, = torch.autograd.grad(g.sum(), [xt])
        close(d2(x), h)


# ================================================================ a small CNN end to end
@pytest.mark.parametrize("dtype", DTYPES)
def test_small_cnn_trains_like_torch(dtype):
    def build(m):
        return m.Sequential(m.Conv2d(1, 4, 3, padding=1), m.ReLU(), m.MaxPool2d(2),
                            m.Conv2d(4, 8, 3, padding=1), m.BatchNorm2d(8), m.ReLU(),
                            m.MaxPool2d(2), m.Flatten(), m.Dropout(0.0), m.Linear(8 * 2 * 2, 3))
    wf.manual_seed(3)
    net = build(nn).to(dtype)
    tnet = twin(net, build(torch.nn), dtype)
    x = rnd((6, 1, 8, 8), dtype)
    y = np.array([0, 1, 2, 0, 1, 2])
    for _ in range(3):
        for p in net.parameters():
            p.grad = None
        tnet.zero_grad()
        lw = nn.CrossEntropyLoss()(net(wf.tensor(x)), y)
        lt = torch.nn.CrossEntropyLoss()(tnet(torch.tensor(x)), torch.tensor(y))
        close(lw, lt, dtype)
        lw.backward()
        lt.backward()
        tp = dict(tnet.named_parameters())
        with wf.no_grad():
            for k, p in net.named_parameters():
                close(p.grad, tp[k].grad, dtype, k)
                p -= 0.1 * p.grad
        with torch.no_grad():
            for p in tnet.parameters():
                p -= 0.1 * p.grad
    net.eval()
    tnet.eval()
    close(net(wf.tensor(x)), tnet(torch.tensor(x)), dtype)
