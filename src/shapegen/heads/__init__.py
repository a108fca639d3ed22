"""The output heads' math, written once for both backends: the Keras training loop runs it
with Keras ops, the numpy sampler with numpy (the mixture, the categorical, the normal)."""
