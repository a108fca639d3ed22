"""Training with TensorFlow: the compiled loop, and the chapter's own code kept as the
reference it must match. The networks it trains are shapegen.model's."""
