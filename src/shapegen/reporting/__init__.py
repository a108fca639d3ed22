"""The README's and docs' generated regions, written from the outputs of a run."""
