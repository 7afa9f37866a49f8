"""wf.optim and wf.optim.lr_scheduler against torch.optim: the same MLP (weights copied),
the same minibatches, the same steps; parameters compared after every step in float64.
Resuming from a state dict saved with wf.save equals an uninterrupted run, and torch."""
import warnings

import numpy as np
import pytest

import weifen as wf

torch = pytest.importorskip("torch")
nn = wf.nn
sch = wf.optim.lr_scheduler
TOL = dict(rtol=1e-10, atol=1e-10)
DIMS = (4, 16, 8, 3)
STEPS = 25


def T(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


# ================================================================ the model, twice
def _weights(seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((b, a)) / np.sqrt(a), 0.1 * rng.standard_normal(b))
            for a, b in zip(DIMS[:-1], DIMS[1:])]


def _wf_net(weights):
    lins = [nn.Linear(a, b) for a, b in zip(DIMS[:-1], DIMS[1:])]
    for lin, (W, B) in zip(lins, weights):
        lin.load_state_dict({"weight": wf.tensor(W), "bias": wf.tensor(B)})
    return nn.Sequential(lins[0], nn.Tanh(), lins[1], nn.Tanh(), lins[2])


def _torch_net(weights):
    lins = [torch.nn.Linear(a, b, dtype=torch.float64) for a, b in zip(DIMS[:-1], DIMS[1:])]
    with torch.no_grad():
        for lin, (W, B) in zip(lins, weights):
            lin.weight.copy_(T(W))
            lin.bias.copy_(T(B))
    return torch.nn.Sequential(lins[0], torch.nn.Tanh(), lins[1], torch.nn.Tanh(), lins[2])


def _batches(n=60, seed=1):
    rng = np.random.default_rng(seed)
    X, Y = rng.standard_normal((64, DIMS[0])), rng.standard_normal((64, DIMS[-1]))
    return [(X[i], Y[i]) for i in (rng.choice(64, 16, replace=False) for _ in range(n))]


BATCHES = _batches()


def _loss_wf(net, k):
    X, Y = BATCHES[k]
    return nn.MSELoss()(net(wf.tensor(X)), wf.tensor(Y))


def _loss_torch(tnet, k):
    X, Y = BATCHES[k]
    return torch.nn.MSELoss()(tnet(T(X)), T(Y))


def _backward_step(net, opt, k):
    opt.zero_grad()
    _loss_wf(net, k).backward()
    opt.step()


def _torch_step(tnet, topt, k):
    topt.zero_grad()
    _loss_torch(tnet, k).backward()
    topt.step()


def _same(net, tnet, **tol):
    for (name, p), tp in zip(net.named_parameters(), tnet.parameters()):
        np.testing.assert_allclose(np.asarray(p), tp.detach().numpy(), err_msg=name,
                                   **(tol or TOL))


def _groups(params, spec):
    """Parameters split into groups: ``spec`` is a list of (first, stop, options)."""
    ps = list(params)
    return [{"params": ps[a:b], **o} for a, b, o in spec]


OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.05, weight_decay=0.1)),
    ("SGD", dict(lr=0.02, momentum=0.5, weight_decay=0.05, nesterov=True, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.05, maximize=True)),
    ("Adam", dict(lr=0.01, betas=(0.3, 0.9))),  # 1 - beta1 > 0.5: lerp's other branch
    ("AdamW", dict(lr=0.02)),
    ("AdamW", dict(lr=0.02, weight_decay=0.3, amsgrad=True)),
    ("AdamW", dict(lr=0.01, betas=(0.85, 0.95), maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9, eps=1e-6)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.002, momentum=0.9)),
    ("RMSprop", dict(lr=0.002, momentum=0.5, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.002, maximize=True, alpha=0.3)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.05, eps=1e-3, maximize=True)),
]


def _ids(cases):
    return [f"{n}-" + ",".join(f"{k}={v}" for k, v in kw.items()) for n, kw in cases]


def _pair(name, params_wf, params_t, **kw):
    return getattr(wf.optim, name)(params_wf, **kw), getattr(torch.optim, name)(params_t, **kw)


# ================================================================ step for step
@pytest.mark.parametrize("name,kw", OPTIMIZERS, ids=_ids(OPTIMIZERS))
def test_matches_torch_step_for_step(name, kw):
    w = _weights()
    net, tnet = _wf_net(w), _torch_net(w)
    opt, topt = _pair(name, net.parameters(), tnet.parameters(), **kw)
    first = float(_loss_wf(net, 0))
    for k in range(STEPS):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
        _same(net, tnet)
    moved = abs(float(_loss_wf(net, 0)) - first)
    assert moved > 1e-3  # the run did something


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_param_groups_with_their_own_options(name):
    extra = {"SGD": dict(momentum=0.9), "Adam": dict(betas=(0.5, 0.9)),
             "AdamW": dict(weight_decay=0.5), "RMSprop": dict(centered=True),
             "Adagrad": dict(lr_decay=0.1)}[name]
    spec = [(0, 2, dict(lr=0.05)), (2, 4, dict(lr=0.01, **extra)), (4, 6, {})]
    w = _weights(2)
    net, tnet = _wf_net(w), _torch_net(w)
    opt, topt = _pair(name, _groups(net.parameters(), spec),
                      _groups(tnet.parameters(), spec), lr=0.02)
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.01, 0.02]
    for k in range(STEPS):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
        _same(net, tnet)


def test_add_param_group_midway_and_named_parameters():
    w = _weights(3)
    net, tnet = _wf_net(w), _torch_net(w)
    ps, tps = list(net.named_parameters()), list(tnet.named_parameters())
    opt = wf.optim.Adam(ps[:4], lr=0.02)
    topt = torch.optim.Adam(tps[:4], lr=0.02)
    assert opt.param_groups[0]["param_names"] == [n for n, _ in ps[:4]]
    for k in range(STEPS):
        if k == 8:
            opt.add_param_group({"params": ps[4:], "lr": 0.05, "amsgrad": True})
            topt.add_param_group({"params": tps[4:], "lr": 0.05, "amsgrad": True})
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
        _same(net, tnet)
    assert opt.state_dict()["param_groups"][1]["param_names"] == ["4.weight", "4.bias"]


def test_closure_is_called_with_grad_and_its_loss_returned():
    w = _weights(4)
    net, tnet = _wf_net(w), _torch_net(w)
    opt = wf.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(tnet.parameters(), lr=0.1, momentum=0.9)
    for k in range(STEPS):
        def closure():
            opt.zero_grad()
            loss = _loss_wf(net, k)
            loss.backward()
            return loss

        def tclosure():
            topt.zero_grad()
            loss = _loss_torch(tnet, k)
            loss.backward()
            return loss

        with wf.no_grad():  # step records the closure's graph even inside no_grad
            loss = opt.step(closure)
        tloss = topt.step(tclosure)
        assert float(loss) == pytest.approx(tloss.item(), rel=1e-12)
        _same(net, tnet)
    assert opt.step() is None


def test_parameters_without_grad_are_left_alone_and_get_no_state():
    w = _weights(5)
    net, tnet = _wf_net(w), _torch_net(w)
    unused, tunused = nn.Parameter(wf.ones(3)), torch.nn.Parameter(torch.ones(3))
    opt = wf.optim.Adam([*net.parameters(), unused], lr=0.05)
    topt = torch.optim.Adam([*tnet.parameters(), tunused], lr=0.05)
    for k in range(5):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
    _same(net, tnet)
    assert np.array_equal(np.asarray(unused), np.ones(3)) and unused not in opt.state
    assert sorted(opt.state_dict()["state"], key=int) == [str(i) for i in range(6)]
    assert sorted(topt.state_dict()["state"]) == list(range(6))


@pytest.mark.parametrize("name,kw", OPTIMIZERS[::3], ids=_ids(OPTIMIZERS[::3]))
def test_zero_dim_parameters(name, kw):
    s, v = nn.Parameter(wf.tensor(0.5)), nn.Parameter(wf.tensor([1.0, -2.0]))
    ts, tv = (torch.nn.Parameter(T(a)) for a in (0.5, [1.0, -2.0]))
    opt, topt = _pair(name, [s, v], [ts, tv], **kw)
    for _ in range(10):
        opt.zero_grad()
        topt.zero_grad()
        (s * s * v + wf.sin(v * s)).sum().backward()
        (ts * ts * tv + torch.sin(tv * ts)).sum().backward()
        opt.step()
        topt.step()
        np.testing.assert_allclose(float(s), ts.item(), **TOL)
        np.testing.assert_allclose(np.asarray(v), tv.detach().numpy(), **TOL)


def test_update_is_in_place_under_no_grad_and_zero_grad_modes():
    w = nn.Parameter(wf.tensor([1.0, -2.0]))
    data = w._data
    opt = wf.optim.RMSprop([w], lr=0.1, momentum=0.5)
    (w * w).sum().backward()
    opt.step()
    assert w._data is data and w.is_leaf and w.requires_grad and w.grad_fn is None
    opt.zero_grad(set_to_none=False)
    assert np.array_equal(np.asarray(w.grad), [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None


def test_a_step_invalidates_values_saved_for_backward():
    w = wf.tensor([1.0, 2.0], requires_grad=True)
    v = wf.tensor([3.0, 4.0], requires_grad=True)
    opt = wf.optim.SGD([w, v], lr=0.1)
    (w * v).sum().backward()
    y = (w * v).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_a_step_invalidates_saved_parameters():
    w = nn.Parameter(wf.tensor([1.0, 2.0]))
    v = wf.tensor([3.0, 4.0], requires_grad=True)
    opt = wf.optim.SGD([w], lr=0.1)
    (w * v).sum().backward()
    y = (w * v).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_float32_parameters_keep_their_dtype_in_params_and_state():
    w = [a.astype(np.float32) for lin in _weights(6)[:2] for a in lin]
    ps = [nn.Parameter(wf.tensor(a)) for a in w]
    tps = [torch.nn.Parameter(torch.tensor(a)) for a in w]
    opt = wf.optim.Adam(ps, lr=0.01, amsgrad=True)
    topt = torch.optim.Adam(tps, lr=0.01, amsgrad=True)
    for k in range(5):
        X, Y = (a.astype(np.float32) for a in BATCHES[k])
        opt.zero_grad()
        topt.zero_grad()
        out = wf.tanh(wf.tensor(X) @ ps[0].T + ps[1]) @ ps[2].T + ps[3]
        ((out - wf.tensor(Y[:, :1])) ** 2).mean().backward()
        tout = torch.tanh(torch.tensor(X) @ tps[0].T + tps[1]) @ tps[2].T + tps[3]
        ((tout - torch.tensor(Y[:, :1])) ** 2).mean().backward()
        opt.step()
        topt.step()
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(np.asarray(p), tp.detach().numpy(), rtol=1e-4, atol=1e-5)
        assert p.dtype == np.float32
        assert all(v.dtype == np.float32 for k, v in opt.state[p].items() if k != "step")
    sd = opt.state_dict()  # float64 state loads as float32
    sd["state"]["0"]["exp_avg"] = wf.tensor(np.asarray(sd["state"]["0"]["exp_avg"], np.float64))
    opt.load_state_dict(sd)
    assert opt.state[ps[0]]["exp_avg"].dtype == np.float32


# ================================================================ state dicts
def test_state_dict_layout_follows_torch():
    w = _weights(7)
    net, tnet = _wf_net(w), _torch_net(w)
    spec = [(0, 2, dict(lr=0.05)), (2, 6, dict(betas=(0.5, 0.9)))]
    opt, topt = _pair("Adam", _groups(net.parameters(), spec),
                      _groups(tnet.parameters(), spec), lr=0.01, amsgrad=True)
    for k in range(3):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2, 3, 4, 5]]
    assert [g["params"] for g in tsd["param_groups"]] == [[0, 1], [2, 3, 4, 5]]
    for g, tg in zip(sd["param_groups"], tsd["param_groups"]):
        assert set(g) <= set(tg)
        assert all(g[k] == tg[k] for k in g)
    assert list(sd["state"]) == [str(i) for i in range(6)]
    for i in range(6):
        st, tst = sd["state"][i], tsd["state"][i]  # int indexing works too
        assert st is sd["state"][str(i)] and set(st) == set(tst)
        assert st["step"] == 3 and isinstance(st["step"], int)
        for k in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            assert isinstance(st[k], wf.Tensor)
            np.testing.assert_allclose(np.asarray(st[k]), tst[k].numpy(), **TOL)
    # copies: training on does not change a state dict taken before
    before = np.asarray(sd["state"][0]["exp_avg"]).copy()
    _backward_step(net, opt, 3)
    assert np.array_equal(np.asarray(sd["state"][0]["exp_avg"]), before)


def test_state_dicts_of_every_optimizer_have_torchs_state_keys():
    for name, kw in OPTIMIZERS:
        w = _weights(8)
        net, tnet = _wf_net(w), _torch_net(w)
        opt, topt = _pair(name, net.parameters(), tnet.parameters(), **kw)
        for k in range(2):
            _backward_step(net, opt, k)
            _torch_step(tnet, topt, k)
        sd, tsd = opt.state_dict(), topt.state_dict()
        assert sorted(int(i) for i in sd["state"]) == sorted(tsd["state"]), (name, kw)
        for i, tst in tsd["state"].items():
            keys = {k for k, v in tst.items() if v is not None}
            assert set(sd["state"][i]) == keys, (name, kw)


RESUME = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("AdamW", dict(lr=0.02, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1)),
]


@pytest.mark.parametrize("name,kw", RESUME, ids=_ids(RESUME))
def test_resume_through_wf_save_equals_an_uninterrupted_run(name, kw, tmp_path):
    k_stop, total = 10, STEPS + 5
    spec = [(0, 2, dict(lr=kw["lr"] * 2)), (2, 6, {})]
    w = _weights(9)
    net, tnet, net_a = _wf_net(w), _torch_net(w), _wf_net(w)
    opt, topt = _pair(name, _groups(net.parameters(), spec),
                      _groups(tnet.parameters(), spec), **kw)
    opt_a = getattr(wf.optim, name)(_groups(net_a.parameters(), spec), **kw)
    for k in range(total):  # the uninterrupted runs
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
    for k in range(k_stop):
        _backward_step(net_a, opt_a, k)
    path = tmp_path / "ckpt.npz"
    wf.save({"model": net_a.state_dict(), "optim": opt_a.state_dict(), "step": k_stop}, path)
    del net_a, opt_a
    ckpt = wf.load(path)
    net_b = _wf_net(_weights(10))  # other weights and options: all must come from the file
    net_b.load_state_dict(ckpt["model"])
    opt_b = getattr(wf.optim, name)(_groups(net_b.parameters(), spec), lr=1.0)
    opt_b.load_state_dict(ckpt["optim"])
    assert opt_b.param_groups[1]["lr"] == kw["lr"]
    for k in range(ckpt["step"], total):
        _backward_step(net_b, opt_b, k)
    for p, q in zip(net.parameters(), net_b.parameters()):
        assert np.array_equal(np.asarray(p), np.asarray(q))  # bit for bit
    _same(net_b, tnet)


@pytest.mark.parametrize("name,kw", RESUME, ids=_ids(RESUME))
def test_loading_a_torch_state_dict_continues_torchs_run(name, kw):
    w = _weights(11)
    tnet = _torch_net(w)
    topt = getattr(torch.optim, name)(tnet.parameters(), **kw)
    for k in range(8):
        _torch_step(tnet, topt, k)
    net = _wf_net([(lin.weight.detach().numpy(), lin.bias.detach().numpy())
                   for lin in tnet[::2]])
    opt = getattr(wf.optim, name)(net.parameters(), lr=1.0)
    opt.load_state_dict(topt.state_dict())
    for k in range(8, STEPS):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
        _same(net, tnet)


def test_load_state_dict_refuses_what_does_not_fit_and_changes_nothing():
    a, b = nn.Parameter(wf.ones(2)), nn.Parameter(wf.ones(3))
    opt = wf.optim.SGD([a, b], lr=0.1, momentum=0.9)
    (a.sum() + b.sum()).backward()
    opt.step()
    sd = opt.state_dict()
    other = wf.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1)
    with pytest.raises(ValueError, match="2 parameter groups"):
        opt.load_state_dict(other.state_dict())
    with pytest.raises(ValueError, match="group 0 has 2 parameters in the state dict but 1"):
        wf.optim.SGD([a], lr=0.1).load_state_dict(sd)
    swapped = wf.optim.SGD([b, a], lr=0.3, momentum=0.9)
    with pytest.raises(ValueError, match="shape") as e:
        swapped.load_state_dict(sd)
    assert isinstance(e.value, wf.ShapeError)
    assert swapped.param_groups[0]["lr"] == 0.3 and not swapped.state
    with pytest.raises(ValueError, match="none of its param_groups"):
        opt.load_state_dict({"state": {"7": {}}, "param_groups": sd["param_groups"]})
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})


def test_constructor_errors_name_the_problem():
    p = nn.Parameter(wf.ones(2))
    with pytest.raises(TypeError, match="leaf Tensor that requires grad"):
        wf.optim.Adam([wf.ones(2)])
    with pytest.raises(ValueError, match="empty"):
        wf.optim.RMSprop([])
    with pytest.raises(TypeError, match="iterable"):
        wf.optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="set"):
        wf.optim.SGD({p}, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        wf.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        wf.optim.SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="Nesterov"):
        wf.optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        wf.optim.AdamW([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="learning rate"):
        wf.optim.Adagrad([{"params": [p], "lr": -0.5}])
    with pytest.raises(TypeError, match="complex"):
        wf.optim.SGD([wf.tensor([1 + 2j], requires_grad=True)], lr=0.1)
    assert "Parameter Group 0" in repr(wf.optim.Adam([p]))


# ================================================================ schedulers
def _opt_pair(kind="SGD", **kw):
    """Two-group optimizers (lrs 0.1 and 0.03) over one-parameter models."""
    ps = [nn.Parameter(wf.ones(2)), nn.Parameter(wf.ones(2))]
    tps = [torch.nn.Parameter(torch.ones(2, dtype=torch.float64)) for _ in range(2)]
    groups = lambda q: [{"params": [q[0]]}, {"params": [q[1]], "lr": 0.03}]  # noqa: E731
    return (getattr(wf.optim, kind)(groups(ps), lr=0.1, **kw),
            getattr(torch.optim, kind)(groups(tps), lr=0.1, **kw))


def _metric(k):
    """A scripted validation loss: improves, plateaus with noise, improves again."""
    if k < 12:
        return 1.0 / (1 + k)
    if k < 40:
        return 0.08 + 0.0001 * (k % 3)
    return 0.08 - 0.01 * (k - 39) if k % 5 else 0.2


SCHEDULERS = [
    ("StepLR", "SGD", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", "SGD", dict(milestones=[5, 20, 20, 41], gamma=0.3)),
    ("ExponentialLR", "SGD", dict(gamma=0.93)),
    ("CosineAnnealingLR", "SGD", dict(T_max=15)),
    ("CosineAnnealingLR", "Adam", dict(T_max=22, eta_min=0.004)),
    ("OneCycleLR", "Adam", dict(max_lr=[0.5, 1.0], total_steps=70)),
    ("OneCycleLR", "SGD", dict(max_lr=0.4, epochs=7, steps_per_epoch=10, pct_start=0.25,
                               anneal_strategy="linear", three_phase=True, div_factor=10.0,
                               final_div_factor=100.0, base_momentum=0.8,
                               max_momentum=[0.9, 0.99])),
    ("OneCycleLR", "RMSprop", dict(max_lr=0.2, total_steps=61)),
    ("OneCycleLR", "Adagrad", dict(max_lr=0.2, total_steps=61, cycle_momentum=False)),
    ("ReduceLROnPlateau", "SGD", dict(factor=0.5, patience=3)),
    ("ReduceLROnPlateau", "SGD", dict(mode="max", factor=0.7, patience=2, threshold=0.01,
                                      threshold_mode="abs", cooldown=3, min_lr=[0.02, 0.0])),
    ("ReduceLROnPlateau", "Adam", dict(factor=0.2, patience=1, cooldown=2, min_lr=1e-3,
                                       threshold=0.05, eps=1e-3)),
]


def _sched_ids(cases):
    return [f"{s}-{o}-{i}" for i, (s, o, _) in enumerate(cases)]


def _momenta(opt):
    return [(g.get("momentum"), g.get("betas")) for g in opt.param_groups]


def _sched_step(s, k):
    if isinstance(s, (sch.ReduceLROnPlateau, torch.optim.lr_scheduler.ReduceLROnPlateau)):
        s.step(_metric(k) if s.mode == "min" else -_metric(k))
    else:
        s.step()


@pytest.mark.parametrize("sname,oname,kw", SCHEDULERS, ids=_sched_ids(SCHEDULERS))
def test_scheduler_lrs_equal_torchs(sname, oname, kw):
    opt, topt = _opt_pair(oname)
    s = getattr(sch, sname)(opt, **kw)
    ts = getattr(torch.optim.lr_scheduler, sname)(topt, **kw)
    n = kw.get("total_steps", 70) - 1 if sname == "OneCycleLR" else 60
    seen = []
    for k in range(n):
        assert s.get_last_lr() == ts.get_last_lr(), k
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in topt.param_groups]
        assert _momenta(opt) == _momenta(topt), k
        seen.append(s.get_last_lr()[1])
        opt.step()
        topt.step()
        _sched_step(s, k)
        _sched_step(ts, k)
    assert s.last_epoch == ts.last_epoch
    assert len(set(seen)) > 2  # the schedule moved


@pytest.mark.parametrize("sname,oname,kw", SCHEDULERS, ids=_sched_ids(SCHEDULERS))
def test_scheduler_resume_through_wf_save(sname, oname, kw, tmp_path):
    stop = 23
    opt, topt = _opt_pair(oname)
    s = getattr(sch, sname)(opt, **kw)
    ts = getattr(torch.optim.lr_scheduler, sname)(topt, **kw)
    for k in range(stop):
        opt.step()
        topt.step()
        _sched_step(s, k)
        _sched_step(ts, k)
    wf.save({"optim": opt.state_dict(), "sched": s.state_dict()}, tmp_path / "s.npz")
    ckpt = wf.load(tmp_path / "s.npz")
    opt2, _ = _opt_pair(oname)
    s2 = getattr(sch, sname)(opt2, **kw)  # made first, as torch asks: it sets the lrs
    opt2.load_state_dict(ckpt["optim"])
    s2.load_state_dict(ckpt["sched"])
    n = kw.get("total_steps", 70) - 1 if sname == "OneCycleLR" else 60
    for k in range(stop, n):
        assert s2.get_last_lr() == ts.get_last_lr(), k
        assert _momenta(opt2) == _momenta(topt), k
        opt2.step()
        topt.step()
        _sched_step(s2, k)
        _sched_step(ts, k)


@pytest.mark.parametrize("sname,kw", [("StepLR", dict(step_size=3, gamma=0.5)),
                                      ("MultiStepLR", dict(milestones=[2, 6, 9])),
                                      ("ExponentialLR", dict(gamma=0.9)),
                                      ("CosineAnnealingLR", dict(T_max=5, eta_min=0.01))])
def test_last_epoch_and_deprecated_epoch_argument_follow_torch(sname, kw):
    opt, topt = _opt_pair()
    for o in (opt, topt):
        for g in o.param_groups:
            g["initial_lr"] = g["lr"] * 2
    s = getattr(sch, sname)(opt, last_epoch=4, **kw)
    ts = getattr(torch.optim.lr_scheduler, sname)(topt, last_epoch=4, **kw)
    assert s.last_epoch == ts.last_epoch == 5 and s.get_last_lr() == ts.get_last_lr()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k in (8, 2, 11, 0, 30):
            s.step(k)
            ts.step(k)
            assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-14)
        for _ in range(12):
            s.step()
            ts.step()
            assert s.get_last_lr() == pytest.approx(ts.get_last_lr(), rel=1e-14)


def test_training_with_a_schedule_matches_torch():
    w = _weights(12)
    net, tnet = _wf_net(w), _torch_net(w)
    opt = wf.optim.Adam(net.parameters(), lr=0.01)
    topt = torch.optim.Adam(tnet.parameters(), lr=0.01)
    s = sch.OneCycleLR(opt, max_lr=0.05, total_steps=STEPS)
    ts = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.05, total_steps=STEPS)
    for k in range(STEPS):
        _backward_step(net, opt, k)
        _torch_step(tnet, topt, k)
        s.step()
        ts.step()
        _same(net, tnet)


def test_scheduler_errors():
    opt, _ = _opt_pair("Adagrad")
    with pytest.raises(KeyError, match="initial_lr") as e:
        sch.StepLR(opt, step_size=2, last_epoch=3)
    assert isinstance(e.value, wf.WeifenError)
    with pytest.raises(ValueError, match="momentum nor betas"):
        sch.OneCycleLR(opt, max_lr=0.1, total_steps=10)
    with pytest.raises(ValueError, match="pct_start"):
        sch.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1, cycle_momentum=False)
    with pytest.raises(ValueError, match="total_steps"):
        sch.OneCycleLR(opt, max_lr=0.1, cycle_momentum=False)
    with pytest.raises(ValueError, match="one value per parameter group"):
        sch.OneCycleLR(opt, max_lr=[0.1], total_steps=5, cycle_momentum=False)
    s = sch.OneCycleLR(opt, max_lr=0.1, total_steps=2, cycle_momentum=False)
    s.step()
    s.step()
    with pytest.raises(ValueError, match="tried to step 3 times"):
        s.step()
    with pytest.raises(ValueError, match="factor"):
        sch.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        sch.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(TypeError, match="not a wf.optim Optimizer"):
        sch.ExponentialLR(torch.optim.SGD([torch.nn.Parameter(torch.ones(1))], lr=1), 0.5)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sch.StepLR(opt, step_size=2).get_lr()


def test_reduce_on_plateau_takes_a_tensor_metric():
    opt, _ = _opt_pair()
    s = sch.ReduceLROnPlateau(opt, patience=0)
    s.step(wf.tensor(1.0))
    s.step(wf.tensor(2.0))
    assert s.get_last_lr() == pytest.approx([0.01, 0.003])
