"""Stage playground: data/playground/, a page that draws with every trained model.

index.html, its script and style (src/shapegen/playground/page/) and models.js, every
variant's weights and what the page's forward pass needs (shapegen.playground.export).
The page opens from the file system: no server, no network, no library beyond its own.
"""

from shapegen import paths
from shapegen.config.params import expected_model_kind
from shapegen.config.validation import load_params
from shapegen.files.writing import write_bytes
from shapegen.playground.export import page_files, variant_entry
from shapegen.sampling.model_file import read_variant_network
from shapegen.stage import run_stage


def main() -> None:
    params = load_params()
    models = {
        variant: variant_entry(
            variant,
            params_of_variant.data,
            read_variant_network(paths.model_file(variant), expected_model_kind(params_of_variant)),
        )
        for variant, params_of_variant in params.variants.items()
    }
    folder = paths.PLAYGROUND_DIR
    files = page_files(models, params.evaluate.fit_tolerance)
    for name, data in files.items():
        write_bytes(folder / name, data)
    size = sum(map(len, files.values()))
    print(f"wrote {folder}/: {len(models)} models, {size / 1e6:.2f} MB; open {folder}/index.html")


if __name__ == "__main__":
    run_stage(main)
