"""The README's shapes table is the one the pipeline's committed metrics make."""

import pytest

from ..conftest import load_tool


@pytest.fixture(scope="module")
def shapes_table():
    return load_tool("shapes_table")


def test_the_readme_table_is_made_from_the_committed_metrics(shapes_table, repo_root):
    readme = (repo_root / "README.md").read_text()
    made = shapes_table.table(repo_root)
    assert shapes_table.with_table(readme, made) == readme, (
        "README.md's shapes table is stale: run `python tools/shapes_table.py`"
    )
    assert "`families_conditional`" in made
