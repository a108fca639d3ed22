"""The page that `dvc plots show` and `dvc plots diff` fill: .dvc/plots/page.html.

DVC's own page loads Vega, Vega-Lite and vega-embed from a CDN, so offline every chart is
blank. This page carries the three inline, bundled by the pinned vl-convert-python, and
.dvc/config names it (`plots.html_template`). DVC fills `{plot_divs}` and `{refresh_tag}`;
it puts its CDN script tags only where a page has `{scripts}`, and this one has none.

    python tools/plots_page.py           # rewrite the page (`make plots-page`)
    python tools/plots_page.py --check   # exit 1 when it is not what the pin makes
"""

import argparse
import re
import sys
from importlib.metadata import version
from pathlib import Path

import vl_convert

ROOT = Path(__file__).resolve().parents[1]
PAGE = Path(".dvc/plots/page.html")
# DVC's templates and ours declare Vega-Lite v5 specs: the bundle compiles them with the
# newest Vega-Lite 5 the pinned vl-convert carries.
VEGA_LITE_MAJOR = "5"
# vl-convert's default snippet, except that vegaEmbed's menu leaves out "Open in Vega
# Editor": the one action that needs the network.
SNIPPET = """\
window.vega = vega;
window.vegaLite = vegaLite;
window.vegaEmbed = (element, spec, options = {}) =>
  vegaEmbed(element, spec, {
    actions: { export: true, source: true, compiled: true, editor: false },
    ...options,
  });
"""
# An attribute that makes a browser fetch from the network (src="https://...", href=//...).
NETWORK_FETCH = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def vega_lite_version() -> str:
    """The newest Vega-Lite of VEGA_LITE_MAJOR that vl-convert carries, as 'v5.21'."""
    carried = [v for v in vl_convert.get_vegalite_versions() if v.split(".")[0] == VEGA_LITE_MAJOR]
    newest = max(carried, key=lambda v: tuple(int(part) for part in v.split(".")))
    return f"v{newest}"


def page_text() -> str:
    """The whole page: DVC's placeholders and the bundled libraries, no network address."""
    lite = vega_lite_version()
    bundle = vl_convert.javascript_bundle(SNIPPET, vl_version=lite)
    # Inline script ends at the first "</script": the bundle must not hold one.
    if "</script" in bundle.lower():
        raise ValueError("the Vega bundle contains '</script', which would end the page's script")
    if NETWORK_FETCH.search(bundle):
        raise ValueError(
            f"the Vega bundle fetches from the network: {NETWORK_FETCH.search(bundle)}"
        )
    made_by = (
        f"tools/plots_page.py, from vl-convert-python {version('vl-convert-python')}: "
        f"Vega {vl_convert.get_vega_version()}, Vega-Lite {lite[1:]}, "
        f"vega-embed {vl_convert.get_vega_embed_version()}"
    )
    return f"""<!DOCTYPE html>
<!-- Written by {made_by}. `make plots-page` rewrites it. -->
<html>
<head>
    <meta charset="utf-8">
    {{refresh_tag}}
    <title>shapegen: DVC plots</title>
    <style>
        body {{ font-family: sans-serif; }}
        table {{ border-spacing: 15px; }}
    </style>
    <script>
{bundle}
    </script>
</head>
<body>
    {{plot_divs}}
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the page is stale")
    args = parser.parse_args(argv)
    path = ROOT / PAGE
    text = page_text()
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{PAGE} is stale: run `make plots-page`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
