"""The page `dvc plots show` fills (.dvc/plots/page.html): current, complete, offline."""

import json
import re

import pytest
from configobj import ConfigObj

from ..conftest import load_tool


@pytest.fixture(scope="module")
def plots_page():
    return load_tool("plots_page")


@pytest.fixture(scope="module")
def page(plots_page, repo_root) -> str:
    return (repo_root / plots_page.PAGE).read_text(encoding="utf-8")


def test_the_committed_page_is_what_the_pinned_bundle_makes(plots_page, page):
    assert page == plots_page.page_text(), "stale: run `make plots-page`"


def test_dvc_config_names_the_page(plots_page, repo_root):
    config = ConfigObj(str(repo_root / ".dvc/config"))
    # DVC reads a relative html_template from the .dvc folder.
    assert repo_root / ".dvc" / config["plots"]["html_template"] == repo_root / plots_page.PAGE


def test_the_page_has_dvcs_placeholders_and_no_network_address(plots_page, page):
    for placeholder in ("{plot_divs}", "{refresh_tag}"):
        assert page.count(placeholder) == 1, placeholder
    # Where a page has {scripts}, DVC writes its CDN <script src=...> tags there.
    assert "{scripts}" not in page
    assert plots_page.NETWORK_FETCH.search(page) is None
    assert plots_page.NETWORK_FETCH.search('<script src="https://cdn.example/vega@5"></script>')
    (script,) = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)
    for name in ("vega", "vegaLite", "vegaEmbed"):
        assert f"window.{name}=" in script, name
    assert "editor:false" in script


def test_the_bundled_vega_lite_reads_the_specs_our_templates_declare(plots_page, repo_root):
    majors = {
        re.search(r"/v(\d+)\.json$", json.loads(path.read_text())["$schema"]).group(1)
        for path in (repo_root / ".dvc/plots").glob("*.json")
    }
    assert majors == {plots_page.VEGA_LITE_MAJOR}
    assert plots_page.vega_lite_version().startswith(f"v{plots_page.VEGA_LITE_MAJOR}.")


def test_check_fails_on_a_stale_page(plots_page, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(plots_page, "ROOT", tmp_path)
    (tmp_path / ".dvc/plots").mkdir(parents=True)
    assert plots_page.main(["--check"]) == 1
    assert plots_page.main([]) == 0
    assert plots_page.main(["--check"]) == 0
    (tmp_path / plots_page.PAGE).write_text(plots_page.page_text().replace("{plot_divs}", ""))
    assert plots_page.main(["--check"]) == 1
    assert "make plots-page" in capsys.readouterr().err
