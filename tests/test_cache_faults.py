"""Fault injection on the derivative cache: whatever happens to it, the next call is right.

Each fault is made by hand, as a full disk, a crash of another tool, a sync
conflict or a user would leave it: an entry cut short, empty, binary, edited,
appended to, unreadable; the directory removed between two calls, unwritable,
impossible to make, out of space; processes writing while another prunes.
After each, the derivative is right, nothing of the user's is touched, and
s2s says at most one clear thing (a ``CacheWarning`` naming the file).
"""

import errno
import linecache
import os
import shutil
import subprocess
import sys
import textwrap
import time
import types
import warnings

import numpy as np
import pytest

import s2s
import s2s.cache
import s2s.load
from s2s.errors import CacheWarning

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ridge_loss(w, X, y, lam):
    r = X @ w - y
    return 0.5 * np.sum(r * r) + 0.5 * lam * np.sum(w * w)


def ridge_gradient(w, X, y, lam):
    return X.T @ (X @ w - y) + lam * w


RNG = np.random.default_rng(20)
W, X, Y = RNG.normal(size=3), RNG.normal(size=(8, 3)), RNG.normal(size=8)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("S2S_CACHE_DIR", str(path))
    return path


def right(g):
    """``g`` is the gradient of ``ridge_loss``."""
    np.testing.assert_allclose(g(W, X, Y, 0.1), ridge_gradient(W, X, Y, 0.1), rtol=1e-12)


def cache_warnings(record):
    return [str(w.message) for w in record if issubclass(w.category, CacheWarning)]


def transform_recording(fn=ridge_loss):
    """``(s2s.grad(fn), the CacheWarnings it gave)``, every warning recorded."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        g = s2s.grad(fn)
        right(g)
    return g, cache_warnings(record)


def cut_short(text):
    return text[: len(text) // 2].encode()


def appended(text):  # a line that would give a wrong gradient, were it run
    return (text + "\n\ndef grad_ridge_loss(w, X, y, lam):\n    return 0 * w\n").encode()


def edited(text):
    return text.replace("\n    return ", "\n    return  ", 1).encode()


DAMAGE = {
    "cut short": (cut_short, "does not match its digest"),
    "cut short in its header": (lambda text: text[:100].encode(), "has no s2s digest"),
    "empty": (lambda text: b"", "is empty"),
    "binary": (lambda text: b"\x89PNG\r\n\x1a\n\xff\xfe" + os.urandom(64), "is not UTF-8 text"),
    "appended to": (appended, "does not match its digest"),
    "edited": (edited, "does not match its digest"),
    "record edited": (lambda text: text.replace('"entry": ', '"entry" ', 1).encode(), "does not match its digest"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_entry_is_regenerated_in_place_with_one_warning(cache, damage):
    g, said = transform_recording()
    assert said == []
    original = open(g.path, encoding="utf-8").read()
    assert s2s.load.verify(original) is True
    spoil, why = DAMAGE[damage]
    with open(g.path, "wb") as f:
        f.write(spoil(original))
    again, said = transform_recording()
    assert len(said) == 1 and g.path in said[0] and why in said[0], said
    assert again.path == g.path
    assert open(g.path, encoding="utf-8").read() == original  # written again where it was
    _, said = transform_recording()
    assert said == []  # healed: the next transform loads it without a word


def test_the_warning_points_at_the_users_call(cache):
    g, _ = transform_recording()
    with open(g.path, "wb") as f:
        f.write(b"")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        s2s.grad(ridge_loss)
    (warning,) = [w for w in record if issubclass(w.category, CacheWarning)]
    assert warning.filename == __file__


def test_an_unreadable_entry_is_regenerated(cache, monkeypatch):
    g, _ = transform_recording()
    os.chmod(g.path, 0)
    try:
        open(g.path, "rb").close()
    except PermissionError:
        pass  # a user whom the mode denies: the real fault
    else:  # root reads whatever the mode says: refuse as the file system would
        real_open = open

        def denying_open(path, *args, **kwargs):
            if os.fspath(path) == g.path:
                raise PermissionError(errno.EACCES, "Permission denied", path)
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(s2s.cache, "open", denying_open, raising=False)
    again, said = transform_recording()
    assert len(said) == 1 and g.path in said[0] and "could not be read (Permission denied)" in said[0], said
    monkeypatch.undo()
    assert s2s.load.verify(open(g.path, encoding="utf-8").read()) is True  # replaced by a readable one


def test_the_cache_directory_removed_between_two_calls(cache):
    g, _ = transform_recording()
    hessian = s2s.jvp(g.generated)  # generated code transformed again: needs its text
    shutil.rmtree(cache)
    right(g)  # loaded: runs from memory
    np.testing.assert_allclose(g(W[:2], X[:, :2], Y, 0.5), ridge_gradient(W[:2], X[:, :2], Y, 0.5))  # a new variant
    again = s2s.jvp(g.generated)  # its file is gone; its text is not
    v = np.array([1.0, 0.0, 0.0])
    expected = X.T @ X @ v + 0.1 * v
    np.testing.assert_allclose(again(W, X, Y, 0.1, v)[1], expected)
    np.testing.assert_allclose(hessian(W, X, Y, 0.1, v)[1], expected)
    shutil.rmtree(cache)
    fresh, said = transform_recording()
    assert said == [] and os.path.isfile(fresh.path)


def test_a_cache_directory_that_cannot_be_made(tmp_path, monkeypatch):
    (tmp_path / "home").write_text("a file where the directory would go\n")
    directory = tmp_path / "home" / "cache"
    monkeypatch.setenv("S2S_CACHE_DIR", str(directory))
    g, said = transform_recording()
    assert len(said) == 1 and str(directory) in said[0] and "from memory" in said[0], said
    assert s2s.cache.in_memory(g.path) and not os.path.exists(g.path)
    assert linecache.getline(g.path, 1).startswith("# Generated by s2s")  # tracebacks show the code
    hessian = s2s.hvp(ridge_loss)  # generated code transformed again, from memory
    v = np.array([0.0, 1.0, 0.0])
    np.testing.assert_allclose(hessian(W, X, Y, 0.1, v), X.T @ X @ v + 0.1 * v)
    _, said = transform_recording()
    assert said == []  # one warning per directory and process


def test_a_read_only_cache_directory(cache, monkeypatch):
    cache.mkdir(mode=0o700)

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system", str(cache))

    monkeypatch.setattr(s2s.load, "tempfile", types.SimpleNamespace(mkstemp=refuse))
    g, said = transform_recording()
    assert len(said) == 1 and "Read-only file system" in said[0] and str(cache) in said[0], said
    assert s2s.cache.in_memory(g.path)
    assert os.listdir(cache) == []


def test_a_full_disk(cache, monkeypatch):
    def half_then_full(f, data):
        f.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(s2s.load, "_write", half_then_full)
    g, said = transform_recording()
    assert len(said) == 1 and "No space left on device" in said[0], said
    assert os.listdir(cache) == []  # no entry, no temporary file left behind
    def other(w, X, y, lam):
        return ridge_loss(w, X, y, lam)

    _, said = transform_recording(other)
    assert said == []
    monkeypatch.undo()  # space again: the next process's transform writes its entry
    g, said = transform_recording()
    assert said == [] and os.path.isfile(g.path) and not s2s.cache.in_memory(g.path)


def test_out_dir_files_are_not_the_caches(tmp_path, cache):
    """A file s2s did not write in out_dir stays refused, even empty; an empty cache entry is healed."""
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "test_cache_faults_grad_ridge_loss.py"
    mine.write_text("")
    with pytest.raises(FileExistsError, match="was not generated by s2s"):
        s2s.grad(ridge_loss, out_dir=str(out))
    assert mine.read_text() == ""


# -- the cache stays under its cap ------------------------------------------------------------------


def test_the_cache_stays_under_its_cap_across_hundreds_of_functions(tmp_path, monkeypatch):
    lines = ["import numpy as np", ""]
    for i in range(240):
        lines += ["", f"def energy_{i}(x):", f"    return np.sum({1 + i / 100} * np.sin(x) ** 2 + {i % 7}.0 * x)", ""]
    (tmp_path / "energies.py").write_text("\n".join(lines))
    monkeypatch.syspath_prepend(str(tmp_path))
    cache = tmp_path / "cache"
    monkeypatch.setenv("S2S_CACHE_DIR", str(cache))
    monkeypatch.setenv("S2S_CACHE_SIZE", "48k")
    import energies

    x = np.linspace(-1.0, 1.0, 5)
    sizes = []
    for i in range(240):
        g = s2s.grad(getattr(energies, f"energy_{i}"))
        if i % 8 == 0:  # and the variant the call runs
            np.testing.assert_allclose(g(x), (1 + i / 100) * np.sin(2 * x) + i % 7, rtol=1e-12)
        sizes.append(s2s.cache.listing(str(cache))[1])
    assert max(sizes) <= 48 * 1024
    assert sizes[-1] > 24 * 1024  # pruned to three quarters of the cap, not emptied
    first = s2s.grad(energies.energy_0)  # pruned long ago: made again
    np.testing.assert_allclose(first(x), np.sin(2 * x))


def test_prune_removes_the_least_recently_used(cache):
    g, _ = transform_recording()  # the general code and the variant the call ran
    for entry in os.listdir(cache):
        os.utime(cache / entry, (time.time() - 1000,) * 2)
    variant = os.path.getsize(cache / next(e for e in os.listdir(cache) if e != os.path.basename(g.path)))
    names = []
    for age, name in enumerate(["old_grad_" + "a" * 16, "older_grad_" + "b" * 16, "oldest_grad_" + "c" * 16]):
        path = cache / f"{name}.py"
        path.write_text("x" * 1000)
        os.utime(path, (time.time() - 100 * (age + 1),) * 2)
        names.append(path.name)
    s2s.grad(ridge_loss)  # reading an entry makes it the most recently used; the variant is not read
    keep = {"notes.txt": "mine", "helper.py": "def mine(): pass\n", ".s2s-inflight.py": "half"}
    for name, text in keep.items():
        (cache / name).write_text(text)
    abandoned = cache / ".s2s-crashed.py"
    abandoned.write_text("half a mod")
    os.utime(abandoned, (time.time() - 2 * 3600,) * 2)
    size = os.path.getsize(g.path)
    removed, freed, left = s2s.cache.prune(str(cache), size + 1000 + len("half"))
    assert sorted(os.listdir(cache)) == sorted([os.path.basename(g.path), names[0], *keep])
    assert (removed, freed, left) == (4, len("half a mod") + variant + 2000, size + 1000 + len("half"))
    s2s.cache.clear(str(cache))
    assert sorted(os.listdir(cache)) == sorted(keep)  # what is not s2s's, and a write in progress


def test_a_bad_cap_is_said_and_the_default_kept(monkeypatch):
    monkeypatch.setenv("S2S_CACHE_SIZE", "lots")
    with pytest.warns(CacheWarning, match="S2S_CACHE_SIZE: 'lots' is not a size"):
        assert s2s.cache.size_cap() == 100 * 2**20
    for text, size in [("0", 0), ("512", 512), ("64k", 65536), ("1.5G", 3 * 2**29), ("200MB", 200 * 2**20), ("2MiB", 2**21)]:
        assert s2s.cache.parse_size(text) == size


# -- the variants one process keeps -----------------------------------------------------------------


def spread(a, b, c):
    return np.sum(a ** 2) * np.sum(np.cos(b)) + np.sum(c ** 3)


def spread_gradient(a, b, c):
    return 2 * a * np.sum(np.cos(b))


def loaded_variants():
    return {name for name in sys.modules if name.startswith("s2s_generated_spread_grad_")}


def test_a_process_keeps_a_bounded_number_of_variants(cache, monkeypatch):
    monkeypatch.setenv("S2S_MAX_VARIANTS", "3")
    g = s2s.grad(spread)
    patterns = [(2, 3, 4), (2, 2, 2), (2, 2, 3), (3, 2, 2), (2, 3, 2), (1, 2, 3), (2, 1, 3)]
    arguments = [tuple(np.linspace(0.5, 1.5, n) for n in sizes) for sizes in patterns]
    hot = arguments[0]
    first = g.specialize(*hot)
    cold = g.specialize(*arguments[1])
    for args in arguments[1:]:
        np.testing.assert_allclose(g(*args), spread_gradient(*args))
        np.testing.assert_allclose(g(*hot), spread_gradient(*hot))  # used at every step: never evicted
        assert len(loaded_variants()) <= 1 + 3
    assert g.specialize(*hot) is first
    assert g.specialize(*arguments[1]) is not cold  # evicted, and built again (from the disk cache)
    np.testing.assert_allclose(g(*arguments[1]), spread_gradient(*arguments[1]))
    assert len(kept(g, "variants")) == 1 + 3
    for n in range(4, 40):  # one pattern, many sizes: one variant, a bounded memo of the sizes seen
        args = tuple(np.linspace(0.5, 1.5, n + k) for k in (0, 40, 80))
        np.testing.assert_allclose(g(*args), spread_gradient(*args))
    assert len(kept(g, "variants")) == 1 + 3 and len(kept(g, "quick")) <= 4 * 3


def kept(wrapper, name):
    """What the wrapper a transform returns holds under ``name``."""
    return wrapper.__closure__[wrapper.__code__.co_freevars.index(name)].cell_contents


# -- processes sharing one cache while it is pruned ----------------------------------------------


WRITER = textwrap.dedent("""
    import warnings
    import numpy as np
    import s2s
    import springs

    warnings.simplefilter("error", s2s.errors.CacheWarning)  # nothing to say: nothing went wrong

    x = np.array([0.3, -1.2, 0.7, 2.0, -0.4, 1.1])
    for round in range(2):
        for i in range(springs.N):
            g = s2s.grad(getattr(springs, f"chain_{i}"))
            k = 1.0 + i / 10
            expected = -2 * k * np.diff(np.r_[0.0, np.diff(x), 0.0])
            np.testing.assert_allclose(g(x), expected, rtol=1e-12)
    print("ok")
""")

PRUNER = textwrap.dedent("""
    import os, sys, time
    from s2s import cache
    from s2s.load import cache_dir

    n = 0
    open(sys.argv[1] + ".started", "w").close()
    while os.path.exists(sys.argv[1]):  # until the writers are done
        cache.prune(cache_dir(), 0) if n % 2 else cache.clear(cache_dir())
        n += 1
        time.sleep(0.002)
    print(n)
""")


def test_processes_write_while_another_prunes(tmp_path):
    n = 8
    lines = ["import numpy as np", "", f"N = {n}", ""]
    for i in range(n):
        lines += ["", f"def chain_{i}(x):", f"    return {1.0 + i / 10} * np.sum((x[1:] - x[:-1]) ** 2)", ""]
    (tmp_path / "springs.py").write_text("\n".join(lines))
    env = dict(os.environ, S2S_CACHE_DIR=str(tmp_path / "cache"), S2S_CACHE_SIZE="6k",
               PYTHONPATH=os.pathsep.join([str(tmp_path), ROOT]))
    running = tmp_path / "running"
    running.touch()
    pruner = subprocess.Popen([sys.executable, "-c", PRUNER, str(running)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env)
    writers = []
    try:
        while not os.path.exists(f"{running}.started") and pruner.poll() is None:
            time.sleep(0.05)
        writers = [subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True, env=env) for _ in range(3)]
        for proc in writers:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
            assert out == "ok\n" and "s2s cache entry" not in err, err
        running.unlink()
        out, err = pruner.communicate(timeout=60)
        assert pruner.returncode == 0, err
        assert int(out) > 10  # it pruned all along
    finally:
        for proc in writers + [pruner]:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert not [f for f in os.listdir(tmp_path / "cache") if f.startswith(".s2s-")]


# -- derivatives numba compiles: numba caches beside the entry ------------------------------------


def horner_gradient(c, t):
    """d/dc and d/dt of the polynomial sum(c[i] t^(n-1-i))."""
    n = len(c)
    powers = t ** np.arange(n - 1, -1, -1)
    return powers, sum(c[i] * (n - 1 - i) * t ** (n - 2 - i) for i in range(n - 1))


def check_horner(g):
    c = np.array([0.5, -1.0, 2.0, 0.25])
    dc, dt = g(c, 0.7)
    expected_dc, expected_dt = horner_gradient(c, 0.7)
    np.testing.assert_allclose(dc, expected_dc, rtol=1e-12)
    assert abs(dt - expected_dt) < 1e-12


def test_compiled_derivatives_without_a_cache_directory(tmp_path, monkeypatch):
    pytest.importorskip("numba")
    from programs import numba_programs

    (tmp_path / "home").write_text("a file where the directory would go\n")
    monkeypatch.setenv("S2S_CACHE_DIR", str(tmp_path / "home" / "cache"))
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        g = s2s.grad(numba_programs.horner, wrt=(0, 1))  # numba caches beside a file: there is none
        check_horner(g)
    assert len(cache_warnings(record)) == 1 and s2s.cache.in_memory(g.path)


def test_compiled_entries_and_numbas_files_are_pruned_together(cache, monkeypatch):
    pytest.importorskip("numba")
    from programs import numba_programs

    check_horner(s2s.grad(numba_programs.horner, wrt=(0, 1)))
    entries, _ = s2s.cache.listing(str(cache))
    compiled = [e for e in entries if e.compiled]
    assert compiled and all(os.path.isfile(p) for e in compiled for p in e.compiled)
    real_execute = s2s.load._execute

    def pruned_meanwhile(path, source, namespace):  # another process prunes between the write and the load
        if os.path.exists(path):
            s2s.cache.clear(str(cache))
        return real_execute(path, source, namespace)

    monkeypatch.setattr(s2s.load, "_execute", pruned_meanwhile)
    s2s.cache.clear(str(cache))
    g = s2s.grad(numba_programs.horner, wrt=(0, 1))
    check_horner(g)
    monkeypatch.undo()
    s2s.cache.clear(str(cache))
    assert os.listdir(cache) in ([], ["__pycache__"]) and not os.listdir(cache / "__pycache__")
