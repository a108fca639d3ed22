"""The networks: an LSTM trunk, the chapter's framing or a sequence, and an output head.

The chapter's model (`book`) is LSTM(10) over one time step -> Dense(2, linear), MAE,
Adam: 542 parameters.
"""

import keras

from shapegen.geometry import N_STEPS
from shapegen.mixture import N_PARAMS_PER_COMPONENT, MixtureNLL

LOSS = "mae"
N_FEATURES = 2


def build_model(
    units: int,
    learning_rate: float,
    seed: int,
    framing: str = "point",
    head: str = "point",
    mixture: dict | None = None,
    learning_rate_decay_to: float = 1.0,
    n_updates: int = 1,
) -> keras.Model:
    """Build and compile a model; its weights depend only on `seed`.

    framing `point` reads one time step (the chapter); `sequence` reads a rectangle's 3
    inputs as one sequence and predicts after each. head `point` outputs the next point
    (MAE); `mixture` outputs a mixture density over it (keyword arguments of MixtureNLL).
    Each initializer gets its own seed, so no global random state is used, and each layer
    its own name, so a saved model does not depend on what was built before it. The LSTM is
    unrolled: for 1 or 3 time steps the math is the same, and the unrolled graph compiles
    into the XLA training loop without a nested loop.
    """
    time_steps = 1 if framing == "point" else N_STEPS
    if head == "point":
        n_outputs, loss = N_FEATURES, LOSS
    else:
        n_outputs = N_PARAMS_PER_COMPONENT * mixture["n_components"]
        loss = MixtureNLL(**mixture)
    model = keras.Sequential(
        [
            keras.Input(shape=(time_steps, N_FEATURES), name="points"),
            keras.layers.LSTM(
                units,
                name="lstm",
                unroll=True,
                return_sequences=framing == "sequence",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
            ),
            keras.layers.Dense(
                n_outputs,
                name="head",
                activation="linear",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
            ),
        ],
        name=f"{framing}_lstm_{head}_head",
    )
    model.compile(
        loss=loss,
        optimizer=keras.optimizers.Adam(
            name="adam", learning_rate=_schedule(learning_rate, learning_rate_decay_to, n_updates)
        ),
    )
    return model


def model_framing(model: keras.Model) -> str:
    """`point` or `sequence`, read off the model's input: one time step, or the whole sequence."""
    return "point" if model.input_shape[1] == 1 else "sequence"


def model_head(model: keras.Model) -> str:
    """`point` or `mixture`, read off the model's loss."""
    return "mixture" if isinstance(model.loss, MixtureNLL) else "point"


def _schedule(learning_rate: float, decay_to: float, n_updates: int):
    """A constant rate (the chapter), or cosine decay to decay_to x rate at the last update."""
    if decay_to == 1.0:
        return learning_rate
    return keras.optimizers.schedules.CosineDecay(learning_rate, n_updates, alpha=decay_to)
