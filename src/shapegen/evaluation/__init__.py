"""Scoring a trained model through its Generator: the metrics (pure functions of arrays),
the recogniser that says which family a drawn shape is and why one is invalid, the targets
a run is held to, what each metric means, and how far a run drifted from the committed
one."""
