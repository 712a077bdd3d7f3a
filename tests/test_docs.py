"""The generated parameter table is current and complete."""

from pathlib import Path

from sim.docs import case_files, parameter_table, scenario_comments
from sim.scenario import flat_keys

ROOT = Path(__file__).resolve().parents[1]


def test_committed_parameter_table_is_current():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameter_table(case_files(ROOT)), (
        "docs/parameters.md is stale: run `python -m sim.docs > docs/parameters.md`"
    )


def test_table_has_one_row_per_schema_key():
    table = parameter_table(case_files(ROOT))
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [r.split("`")[1] for r in rows] == flat_keys()


def test_comments_are_read_per_dotted_key(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        "# header\n[population]\nsize = 10  # assumption: small\n\n"
        "[population.roles.a]\nshare = 1.0 # EVIDENCE: all\n",
        encoding="utf-8",
    )
    assert scenario_comments(path) == {
        "population.size": "assumption: small",
        "population.roles.a.share": "EVIDENCE: all",
    }


def test_every_value_in_the_case_files_has_a_source_comment():
    for path in case_files(ROOT).values():
        comments = scenario_comments(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if "=" in stripped and not stripped.startswith(("#", "[")):
                key = stripped.split("=")[0].strip()
                if key not in ("name", "description", "label"):
                    assert "#" in stripped, f"{path.name}: no source for '{stripped}'"
        assert comments
