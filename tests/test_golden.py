"""Golden files: generated/ holds reviewed derivatives; they must stay fresh."""

import os
import subprocess
import sys

import pytest

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
