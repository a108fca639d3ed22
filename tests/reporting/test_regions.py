"""The generated regions of the README and docs: found, replaced, never silently dropped."""

import pytest

from shapegen.reporting.regions import markdown_table, region_names, replace_regions

DOC = """# title
<!-- generated: one -->
old
<!-- /generated: one -->
text between
<!-- generated: two -->
<!-- /generated: two -->
"""


def test_a_region_is_replaced_and_the_rest_kept():
    new = replace_regions(DOC, {"one": "new\nlines\n"})
    assert "old" not in new
    assert "<!-- generated: one -->\nnew\nlines\n<!-- /generated: one -->" in new
    assert new.replace("new\nlines", "old") == DOC
    assert replace_regions(new, {"one": "old"}) == DOC  # and back


def test_an_empty_region_takes_content_and_others_stay():
    new = replace_regions(DOC, {"two": "filled"})
    assert "<!-- generated: two -->\nfilled\n<!-- /generated: two -->" in new
    assert "\nold\n" in new
    assert region_names(new) == ["one", "two"]


def test_a_missing_region_is_an_error_not_a_silent_skip():
    with pytest.raises(ValueError, match="no generated region named three"):
        replace_regions(DOC, {"three": "x"})


def test_markdown_tables_have_one_row_per_item():
    assert markdown_table(("a", "b"), [[1, 2], ["x", None]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "| x | None |",
    ]
