"""Scoring a trained model: the metrics (pure functions of arrays), the recogniser that
says which family a drawn shape is, the targets a run is held to, and what each metric
means."""
