"""Provenance: the fingerprint of the model's code changes with the code, and only with it."""

from pathlib import Path

from sim.io import code_fingerprint, package_versions, tree_fingerprint


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_the_fingerprint_follows_content_and_names(tmp_path):
    files = {"a.py": "x = 1\n", "pkg/b.py": "y = 2\n", "notes.txt": "not code"}
    one = tree_fingerprint(_tree(tmp_path / "one", files))
    assert one == tree_fingerprint(_tree(tmp_path / "same", files))
    edited = tree_fingerprint(_tree(tmp_path / "edited", {**files, "a.py": "x = 2\n"}))
    renamed = tree_fingerprint(
        _tree(tmp_path / "renamed", {"c.py": "x = 1\n", "pkg/b.py": "y = 2\n"})
    )
    other_text = tree_fingerprint(_tree(tmp_path / "text", {**files, "notes.txt": "changed"}))
    assert len({one, edited, renamed}) == 3
    assert other_text == one  # only Python files are the code
    data = _tree(tmp_path / "data", {**files, "data/plot.py": "z = 3\n"})
    assert tree_fingerprint(data, skip=("data",)) == one != tree_fingerprint(data)


def test_every_result_records_the_code_fingerprint():
    assert package_versions()["rollout-sim code"] == code_fingerprint()
    assert len(code_fingerprint()) == 16
