"""shapegen: a reproducible generative-LSTM pipeline that draws rectangles point by point.

The package root imports nothing heavy: stages that do not need TensorFlow
(the dataset, its gallery) must start in well under a second.
"""

import os

# TensorFlow's C++ start-up chatter (CPU features, XLA service lines) buries the
# stages' own output; a user who sets the variable keeps their own level.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
