"""The networks: an LSTM trunk, the chapter's framing or a sequence, and an output head.

The chapter's model (`book`) is LSTM(10) over one time step -> Dense(2, linear), MAE,
Adam: 542 parameters. This is the training side, in Keras; a trained model runs without
TensorFlow through shapegen.network, which reads these same layers.
"""

import dataclasses
from pathlib import Path

import keras

from shapegen.geometry import N_STEPS
from shapegen.mixture import N_PARAMS_PER_COMPONENT, MixtureSpec, negative_log_likelihood

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
    (MAE): the chapter's network, exactly. `mixture` outputs a mixture density over it
    (keyword arguments of MixtureNLL), from the LSTM's output and the current point, with
    output weights of its own for each step (`StepDense`).
    Each initializer gets its own seed, so no global random state is used, and each layer
    its own name, so a saved model does not depend on what was built before it. The LSTM is
    unrolled: for 1 or 3 time steps the math is the same, and the unrolled graph compiles
    into the XLA training loop without a nested loop.
    """
    time_steps = 1 if framing == "point" else N_STEPS
    points = keras.Input(shape=(time_steps, N_FEATURES), name="points")
    lstm = keras.layers.LSTM(
        units,
        name="lstm",
        unroll=True,
        return_sequences=framing == "sequence" or head == "mixture",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
    )
    name = f"{framing}_lstm_{head}_head"
    if head == "point":
        dense = keras.layers.Dense(
            N_FEATURES,
            name="head",
            activation="linear",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
        )
        model = keras.Sequential([points, lstm, dense], name=name)
        loss = LOSS
    else:
        n_outputs = N_PARAMS_PER_COMPONENT * mixture["n_components"]
        # The current point beside the LSTM's output: a corner that repeats a coordinate
        # of the current one is then a linear function of the input.
        features = keras.layers.Concatenate(name="trunk_and_point")([lstm(points), points])
        outputs = StepDense(
            n_outputs, name="head", kernel_initializer=keras.initializers.GlorotUniform(seed + 2)
        )(features)
        if framing == "point":
            outputs = keras.layers.Reshape((n_outputs,), name="one_step")(outputs)
        model = keras.Model(points, outputs, name=name)
        loss = MixtureNLL(**mixture)
    model.compile(
        loss=loss,
        optimizer=keras.optimizers.Adam(
            name="adam", learning_rate=_schedule(learning_rate, learning_rate_decay_to, n_updates)
        ),
    )
    return model


@keras.saving.register_keras_serializable(package="shapegen")
class StepDense(keras.layers.Layer):
    """A dense layer with weights of its own for each step of a fixed-length sequence.

    Each corner's distribution has its own shape: from BL the x is free and the y is 0;
    from BR the x is copied and the y is free. Through one shared layer, the strong pull
    of a determined coordinate towards a narrow component outweighs the weak pull of a
    free one towards a flat component (a uniform's likelihood barely changes once the
    component is wide), and free coordinates end up visibly non-uniform. Own weights
    per step remove that coupling.
    """

    def __init__(self, units: int, kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        steps, features = input_shape[1], input_shape[2]
        self.kernel = self.add_weight(
            shape=(steps, features, self.units),
            initializer=self.kernel_initializer,
            name="kernel",
        )
        self.bias = self.add_weight(shape=(steps, self.units), initializer="zeros", name="bias")

    def call(self, inputs):
        return keras.ops.einsum("btf,tfu->btu", inputs, self.kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:2], self.units)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package="shapegen")
class MixtureNLL(keras.losses.Loss):
    """The mixture's negative log-likelihood (shapegen.mixture) as a Keras loss.

    Saved with the model: its config is the head's MixtureSpec.
    """

    def __init__(
        self,
        n_components: int,
        support: str,
        scale_floor: float,
        scale_ceiling: float,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.spec = MixtureSpec(n_components, support, scale_floor, scale_ceiling)

    def call(self, y_true, y_pred):
        # Sequences (batch, steps, ...) are scored point by point.
        points = keras.ops.reshape(y_true, (-1, 2))
        raw = keras.ops.reshape(y_pred, (-1, N_PARAMS_PER_COMPONENT * self.spec.n_components))
        return negative_log_likelihood(points, raw, self.spec, ops=keras.ops)

    def get_config(self) -> dict:
        return {**super().get_config(), **dataclasses.asdict(self.spec)}


def load_keras_model(path: str | Path) -> keras.Model:
    """A model file as Keras reads it, in safe mode: the reference shapegen.network matches."""
    return keras.models.load_model(path, safe_mode=True)


def _schedule(learning_rate: float, decay_to: float, n_updates: int):
    """A constant rate (the chapter), or cosine decay to decay_to x rate at the last update."""
    if decay_to == 1.0:
        return learning_rate
    return keras.optimizers.schedules.CosineDecay(learning_rate, n_updates, alpha=decay_to)
