"""wf.data: TensorDataset, DataLoader (batching, shuffling, drop_last, generators, collation),
Subset and random_split, against torch.utils.data's behaviour."""
import numpy as np
import pytest

import weifen as wf

torch = pytest.importorskip("torch")
TD = torch.utils.data
data = wf.data


def test_tensor_dataset_items_and_length_match_torch():
    X, y = np.arange(12.0).reshape(6, 2), np.arange(6) % 3
    ds, tds = data.TensorDataset(X, y), TD.TensorDataset(torch.tensor(X), torch.tensor(y))
    assert len(ds) == len(tds) == 6
    for i in (0, 3, -1):
        (a, b), (ta, tb) = ds[i], tds[i]
        np.testing.assert_array_equal(np.asarray(a), ta.numpy())
        assert int(b) == int(tb) and isinstance(a, wf.Tensor)
    assert ds[1][0].dtype == np.float64 and ds[1][1].dtype == np.int64
    with pytest.raises(ValueError, match="same first axis"):
        data.TensorDataset(np.ones((3, 2)), np.ones(4))
    with pytest.raises(ValueError):
        data.TensorDataset()


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (9, 3, True),
                                            (5, 8, False), (5, 8, True), (7, 1, False)])
def test_batches_in_order_match_torch(n, bs, drop_last):
    X = np.arange(n * 2.0).reshape(n, 2)
    y = np.arange(n)
    loader = data.DataLoader(data.TensorDataset(X, y), batch_size=bs, drop_last=drop_last)
    tl = TD.DataLoader(TD.TensorDataset(torch.tensor(X), torch.tensor(y)), batch_size=bs,
                       drop_last=drop_last)
    assert len(loader) == len(tl)
    got, want = list(loader), list(tl)
    assert len(got) == len(want)
    for (xb, yb), (txb, tyb) in zip(got, want):
        assert isinstance(xb, wf.Tensor) and not xb.requires_grad
        np.testing.assert_array_equal(np.asarray(xb), txb.numpy())
        np.testing.assert_array_equal(np.asarray(yb), tyb.numpy())


def test_shuffle_visits_every_example_once_per_epoch_and_follows_manual_seed():
    ds = data.TensorDataset(np.arange(20.0))
    loader = data.DataLoader(ds, batch_size=6, shuffle=True)
    wf.manual_seed(0)
    e1 = np.concatenate([np.asarray(b) for (b,) in loader])
    e2 = np.concatenate([np.asarray(b) for (b,) in loader])
    assert sorted(e1.tolist()) == sorted(e2.tolist()) == list(range(20))
    assert e1.tolist() != list(range(20)) and e1.tolist() != e2.tolist()  # fresh each epoch
    wf.manual_seed(0)
    again = np.concatenate([np.asarray(b) for (b,) in loader])
    np.testing.assert_array_equal(again, e1)
    dropped = [np.asarray(b) for (b,) in data.DataLoader(ds, 6, shuffle=True, drop_last=True)]
    assert [len(b) for b in dropped] == [6, 6, 6] and len(set(np.concatenate(dropped))) == 18


def test_a_generator_of_its_own_makes_shuffling_independent_of_the_global_one():
    ds = data.TensorDataset(np.arange(10.0))

    def epoch(gen):
        loader = data.DataLoader(ds, batch_size=4, shuffle=True, generator=gen)
        return np.concatenate([np.asarray(b) for (b,) in loader]).tolist()

    a = epoch(np.random.default_rng(7))
    np.random.seed(1)
    b = epoch(np.random.default_rng(7))
    assert a == b
    assert epoch(7) == a  # an int seeds a fresh np.random.default_rng
    with pytest.raises(TypeError, match="generator"):
        data.DataLoader(ds, generator="x")


def test_generic_datasets_are_collated_as_torch():
    class Pairs(data.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(3, float(i)), "y": i, "w": 0.5 * i}, wf.tensor([i, i])

    class TPairs(TD.Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(3, float(i)), "y": i, "w": 0.5 * i}, torch.tensor([i, i])

    got = list(data.DataLoader(Pairs(), batch_size=2))
    want = list(TD.DataLoader(TPairs(), batch_size=2))
    assert len(got) == len(want) == 3
    for (d, t), (td, tt) in zip(got, want):
        for k in ("x", "y", "w"):
            np.testing.assert_array_equal(np.asarray(d[k]), td[k].numpy())
            assert str(d[k].dtype) == str(td[k].dtype).split(".")[-1]
        np.testing.assert_array_equal(np.asarray(t), tt.numpy())
    custom = data.DataLoader(Pairs(), batch_size=2, collate_fn=lambda items: len(items))
    assert list(custom) == [2, 2, 1]
    single = data.DataLoader(data.TensorDataset(np.arange(3.0)), batch_size=None)
    assert [float(x) for (x,) in single] == [0.0, 1.0, 2.0]


def test_subset_random_split_and_errors():
    ds = data.TensorDataset(np.arange(10.0), np.arange(10))
    wf.manual_seed(3)
    a, b, c = data.random_split(ds, [5, 3, 2])
    idx = a.indices + b.indices + c.indices
    assert sorted(idx) == list(range(10)) and (len(a), len(b), len(c)) == (5, 3, 2)
    assert float(a[0][0]) == a.indices[0]
    wf.manual_seed(3)
    assert data.random_split(ds, [5, 3, 2])[0].indices == a.indices
    # fractions: floor each, the remainder dealt out from the first, as torch
    sizes = [len(s) for s in data.random_split(data.TensorDataset(np.arange(11.0)),
                                               [0.5, 0.3, 0.2])]
    tsizes = [len(s) for s in TD.random_split(range(11), [0.5, 0.3, 0.2])]
    assert sizes == tsizes
    xs = [float(np.asarray(x[0])) for (x, _) in data.DataLoader(a, batch_size=2)]
    assert xs == [float(i) for i in a.indices[:len(xs) * 2:2]]
    with pytest.raises(ValueError, match="summing"):
        data.random_split(ds, [4, 4])
    with pytest.raises(ValueError, match="batch_size"):
        data.DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="unexpected"):
        data.DataLoader(ds, batchsize=2)


def test_a_training_loop_over_a_loader_is_reproducible():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    Y = (X @ np.array([1.0, -2.0, 0.5]))[:, None]

    def train():
        wf.manual_seed(11)
        net = wf.nn.Linear(3, 1)
        loader = data.DataLoader(data.TensorDataset(X, Y), batch_size=16, shuffle=True)
        for _ in range(5):
            for xb, yb in loader:
                net.zero_grad()
                loss = wf.nn.MSELoss()(net(xb), yb)
                loss.backward()
                with wf.no_grad():
                    for p in net.parameters():
                        p -= 0.1 * p.grad
        return np.asarray(net.weight).copy(), float(loss)

    (w1, l1), (w2, l2) = train(), train()
    np.testing.assert_array_equal(w1, w2)
    assert l1 == l2 and l1 < 0.1
