"""Golden files: generated/ holds reviewed derivatives; they must stay fresh.

Besides the general code of each derivative, generated/ holds the variants the
examples' calls run (specialized to their shapes and Python numbers, see
s2s/variants.py): exactly those, as a run of each example keeps them.
"""

import json
import os
import subprocess
import sys

import pytest

from s2s.load import DIGEST_TAG, read_meta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATED = os.path.join(ROOT, "generated")


def test_s2s_check_generated_passes():
    proc = subprocess.run(
        [sys.executable, "-m", "s2s", "check", "generated"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 stale" in proc.stdout


def generated_files():
    return sorted(f for f in os.listdir(GENERATED) if f.endswith(".py"))


def test_generated_holds_the_quickstart():
    assert "mlp_grad_loss_wrt_W1_b1_W2_b2.py" in generated_files()


@pytest.mark.parametrize("name", generated_files())
def test_every_statement_sits_under_a_primal_line_comment(name):
    """In the sweeps, each statement follows a `# file.py:N  code` comment."""
    lines = open(os.path.join(GENERATED, name)).read().splitlines()
    in_sweep = False
    seen_comment = False
    for line in lines:
        if line.startswith("def "):
            in_sweep = line.split("(")[0].endswith(("_forward", "_backward", "_jvp"))
            seen_comment = False
            continue
        stripped = line.strip()
        if not in_sweep or not stripped:
            continue
        if stripped.startswith("# ") and ".py:" in stripped:
            seen_comment = True
        elif not seen_comment:
            # only unpacking the saved values and returning may precede the first block
            assert " = saved" in stripped or " = tangents" in stripped or stripped.startswith("return"), line


def test_editing_an_example_makes_check_fail_with_a_diff(tmp_path):
    import shutil

    shutil.copytree(os.path.join(ROOT, "examples"), tmp_path / "examples")
    shutil.copytree(GENERATED, tmp_path / "generated")
    example = tmp_path / "examples" / "control_flow.py"
    example.write_text(example.read_text().replace("h = np.tanh(W @ h + U @ xs[t])", "h = np.sin(W @ h + U @ xs[t])"))
    proc = subprocess.run(
        [sys.executable, "-m", "s2s", "check", "generated"], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "generated/control_flow_grad_rnn_loss_wrt_W_U_h0.py: stale" in proc.stdout
    added = [line for line in proc.stdout.splitlines() if line.startswith("+")]
    assert any("# control_flow.py:20  h = np.sin(W @ h + U @ xs[t])" in line for line in added)


def golden_variants():
    """{origin: {variant key: source}} of the variant files in generated/."""
    out = {}
    for name in generated_files():
        source = open(os.path.join(GENERATED, name)).read()
        meta = read_meta(source)
        if "dims" in meta:
            out.setdefault(meta["origin"], {})[variant_key(meta)] = source
    return out


def variant_key(meta):
    """What a variant is of: function, transform, options, shapes (not where the bindings' module was imported)."""
    return json.dumps({k: v for k, v in meta.items() if k != "bindings"}, sort_keys=True)


def without_meta(source):
    """The lines of ``source`` but its record and its digest (which covers the record)."""
    return [line for line in source.splitlines() if read_meta(line) is None and not line.startswith("# " + DIGEST_TAG)]


@pytest.mark.parametrize("origin", sorted(golden_variants()))
def test_generated_holds_the_variants_the_example_runs(origin, tmp_path):
    """Run the example keeping the variants its calls build ($S2S_VARIANTS_DIR):
    generated/ has each of them, and none it did not build."""
    env = dict(os.environ, S2S_QUICK="1", MPLBACKEND="Agg", S2S_VARIANTS_DIR=str(tmp_path))
    proc = subprocess.run([sys.executable, origin], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kept = {}
    for name in os.listdir(tmp_path):
        source = (tmp_path / name).read_text()
        kept[variant_key(read_meta(source))] = source
    golden = golden_variants()[origin]
    assert sorted(kept) == sorted(golden), f"keep them: S2S_VARIANTS_DIR=generated python {origin}; s2s check generated --update"
    for key, source in kept.items():
        # run as a script, the example's module is __main__ in the bindings' record
        assert without_meta(source) == without_meta(golden[key])
