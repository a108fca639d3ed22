"""shapegen: a reproducible generative-LSTM pipeline that draws shapes point by point.

`shapegen.load_generator(model)` draws shapes from a trained model without TensorFlow
(shapegen.sampling.loading; the interface, `Generator`: shapegen.sampling.generator). The
package root imports nothing heavy: stages that do not need numpy's friends or TensorFlow
(the params check) start in a fraction of a second. Importing it pins the process's
numerics (shapegen.numerics) for the libraries that load after it.

The folders follow the pipeline (docs/architecture.md): files/, data/, config/, heads/,
shapegen.model and training/, sampling/, evaluation/, figures/, reporting/.
"""

import os
import sys

from shapegen import numerics

# TensorFlow's C++ start-up chatter (CPU features, XLA service lines) buries the
# stages' own output; a user who sets the variable keeps their own level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Before numpy or TensorFlow load (they read these once): the same bytes whatever the
# cores and the instruction set beyond AVX2 (shapegen/numerics.py). A stage checks that
# they had not loaded already.
LOADED_BEFORE_PIN = tuple(name for name in numerics.PINNED_LIBRARIES if name in sys.modules)
NUMERICS_NOTES = numerics.pin()

__all__ = ["Generator", "load_generator"]


def __getattr__(name: str):
    # Imported on first use (PEP 562), so `import shapegen` stays cheap.
    if name == "Generator":
        from shapegen.sampling.generator import Generator

        return Generator
    if name == "load_generator":
        from shapegen.sampling.loading import load_generator

        return load_generator
    raise AttributeError(f"module 'shapegen' has no attribute {name!r}")
