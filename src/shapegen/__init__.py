"""shapegen: a reproducible generative-LSTM pipeline that draws rectangles point by point.

`shapegen.load_generator(model)` draws shapes from a trained model without TensorFlow
(shapegen.loading; the interface, `Generator`: shapegen.generator). The package root
imports nothing heavy: stages that do not need numpy's friends or TensorFlow (the params
check) start in a fraction of a second.
"""

import os

# TensorFlow's C++ start-up chatter (CPU features, XLA service lines) buries the
# stages' own output; a user who sets the variable keeps their own level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__all__ = ["Generator", "load_generator"]


def __getattr__(name: str):
    # Imported on first use (PEP 562), so `import shapegen` stays cheap.
    if name == "Generator":
        from shapegen.generator import Generator

        return Generator
    if name == "load_generator":
        from shapegen.loading import load_generator

        return load_generator
    raise AttributeError(f"module 'shapegen' has no attribute {name!r}")
