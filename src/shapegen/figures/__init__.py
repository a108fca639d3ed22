"""The PNG figures, built as matplotlib Figure objects: the drawing primitives, the
training data's figures and the figures of what a model draws."""
