"""The specialized variants calls run: computed, written and checked like the general code."""

import os
import subprocess
import sys

import numpy as np
import pytest

import s2s
from s2s.variants import file_suffix, key_of, parse_spec, spec_of, spell_key
from programs import straight as P

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "programs", "straight.py")
PARAMS = ["W1", "b1", "W2", "b2", "x", "y"]
SHAPES = "W1=8x5,b1=5,W2=5x6,b2=6,x=7x8,y=7x6"


def mlp_arguments():
    rng = np.random.default_rng(0)
    return [rng.normal(size=s) for s in [(8, 5), (5,), (5, 6), (6,), (7, 8)]] + [np.eye(6)[[0, 2, 5, 1, 3, 4, 0]]]


def test_a_calls_spec_and_key():
    arguments = {"W": np.zeros((6, 6)), "n": 3, "lr": 0.5, "h": np.zeros((1, 6)), "u": np.zeros(3), "s": np.float32(2), "names": ["a"]}
    spec = spec_of(arguments)
    assert spec == {"W": (6, 6), "n": "int", "lr": "float", "h": (1, 6), "u": (3,), "s": ()}
    assert key_of(spec, "grad") == (("n", "lr"), (("W", ("a", "a")), ("h", (1, "a")), ("u", (3,)), ("s", ())))  # small sizes: sizes
    assert key_of(spec, "jvp") == (("n", "lr"), ())
    assert file_suffix(spec) == "_at_W_6x6_n_int_lr_float_h_1x6_u_3_s_0d"


def test_the_spelling_reads_back_to_the_key():
    spec = parse_spec("y=7x6, x=7x8,W1=8x5,b1=5,W2=5x6,b2=6", PARAMS)
    assert list(spec) == PARAMS  # in the order of the parameters, whatever the order given
    key = key_of(spec, "grad")
    assert spell_key(*key) == "W1=axb,b1=b,W2=bxc,b2=c,x=dxa,y=dxc"
    assert key_of(parse_spec(spell_key(*key), PARAMS), "grad") == key
    assert key_of(parse_spec("x=n,s=(),k=float", ["x", "s", "k"]), "grad") == (("k",), (("x", ("a",)), ("s", ())))


@pytest.mark.parametrize("text, message", [
    ("W1", "expected NAME=784x256"),
    ("w=3", "not a parameter"),
    ("x=3,x=4", "twice"),
    ("x=3x-1", "neither a size nor a symbol"),
])
def test_a_wrong_spelling_says_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_spec(text, PARAMS)


def test_specialize_returns_the_variant_a_call_runs():
    g = s2s.grad(P.mlp_loss, wrt=(0, 1, 2, 3))
    args = mlp_arguments()
    variant = g.specialize(*args)
    assert variant is not g.generated
    assert "unbroadcast" in g.source and "unbroadcast" not in variant.source
    assert "specialized to shapes W1 (a, b)" in variant.source
    assert open(variant.path).read() == variant.source
    for a, b in zip(variant(*args), g(*args)):
        np.testing.assert_allclose(a, b)
    assert g.specialize(*args) is variant  # one variant per pattern of dimensions
    bigger = [np.zeros((7, 9)), np.zeros(9), np.zeros((9, 10)), np.zeros(10), np.zeros((6, 7)), np.zeros((6, 10))]
    assert g.specialize(*bigger) is variant


def test_specialize_of_a_bound_method_and_of_the_general_code():
    class Model:
        def loss(self, x):
            return np.sum(x * x)

    g = s2s.grad(Model().loss)
    assert "specialized to shapes x (a,)" in g.specialize(np.ones(5)).source
    h = s2s.grad(P.mlp_loss)
    lists = [a.tolist() for a in mlp_arguments()]
    assert "W1 [*:[*:float]]" in h.specialize(*lists).source  # short lists: their entries are numbers
    assert h.specialize(*[np.resize(a, 100).tolist() for a in lists]) is h.generated  # long lists: not looked into


def run(args, cwd):
    return subprocess.run([sys.executable, "-m", "s2s", *args], capture_output=True, text=True, cwd=cwd)


def test_out_dir_keeps_the_variants_and_the_cli_writes_the_same_file(tmp_path):
    kept = tmp_path / "kept"
    g = s2s.grad(P.mlp_loss, wrt=("W1", "b1", "W2", "b2"), out_dir=str(kept))
    g(*mlp_arguments())
    name = "straight_grad_mlp_loss_wrt_W1_b1_W2_b2_at_W1_8x5_b1_5_W2_5x6_b2_6_x_7x8_y_7x6.py"
    assert sorted(os.listdir(kept)) == ["straight_grad_mlp_loss_wrt_W1_b1_W2_b2.py", name]
    assert g.specialize(*mlp_arguments()).path == str(kept / name)
    proc = run(["grad", f"{PROGRAM}::mlp_loss", "--wrt", "W1,b1,W2,b2", "--shapes", SHAPES, "-o", str(tmp_path / "cli")], os.getcwd())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "cli" / name)
    assert (tmp_path / "cli" / name).read_text() == (kept / name).read_text()
    show = run(["show", f"{PROGRAM}::mlp_loss", "--wrt", "W1,b1,W2,b2", "--shapes", SHAPES], os.getcwd())  # origins relative to where pytest runs
    assert show.stdout == (kept / name).read_text()


def test_check_regenerates_a_variant_and_finds_it_stale(tmp_path):
    src = tmp_path / "model.py"
    src.write_text("import numpy as np\n\n\ndef loss(w, b):\n    return np.sum(np.tanh(w + b) ** 2)\n")
    proc = run(["grad", "model.py::loss", "--shapes", "w=6x5,b=5"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "generated" / "model_grad_loss_at_w_6x5_b_5.py"
    assert proc.stdout.strip() == os.path.join("generated", path.name)
    text = path.read_text()
    assert "# regenerate with: s2s grad model.py::loss --wrt w --shapes w=axb,b=b\n" in text
    assert '"dims": [["w", ["a", "b"]], ["b", ["b"]]]' in text
    fresh = run(["check", "generated"], tmp_path)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    src.write_text("import numpy as np\n\n\ndef loss(w, b):\n    return np.sum(np.tanh(w + b) ** 3)\n")
    stale = run(["check", "generated"], tmp_path)
    assert stale.returncode == 1
    assert f"generated/{path.name}: stale" in stale.stdout


def test_the_derivative_of_one_number_is_written_in_forward_mode(tmp_path):
    src = tmp_path / "series.py"
    src.write_text("def f(x, n):\n    s = 0.0\n    for k in range(n):\n        s = s + x ** k\n    return s\n")
    proc = run(["show", "series.py::f", "--shapes", "x=float,n=int"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "in forward mode" in proc.stdout and "--shapes x=float,n=float" in proc.stdout


@pytest.mark.parametrize("shapes, message", [
    ("q=3", "'q', which is not a parameter"),
    ("", "selects the general code"),
])
def test_cli_shapes_errors_are_one_line(shapes, message):
    proc = run(["show", f"{PROGRAM}::mlp_loss", "--shapes", shapes], HERE)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
