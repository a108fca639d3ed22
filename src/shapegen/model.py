"""The networks: an LSTM trunk, the chapter's framing or a sequence, and an output head.

The chapter's model (`book`) is LSTM(10) over one time step -> Dense(2, linear), MAE,
Adam: 542 parameters. This is the training side, in Keras; a trained model runs without
TensorFlow through shapegen.sampling.network, which reads these same layers.

This module stays at shapegen.model, beside the folders: Keras writes the module of each
custom layer below into every .keras file's config.json, so moving them would change the
bytes of every model file (tests/test_model.py pins the path).
"""

import dataclasses
import math
from pathlib import Path

import keras
import numpy as np

from shapegen.data.rectangles import N_STEPS as N_CORNER_STEPS
from shapegen.heads import categorical
from shapegen.heads.mixture import N_PARAMS_PER_COMPONENT, MixtureSpec, negative_log_likelihood

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
    time_steps = 1 if framing == "point" else N_CORNER_STEPS
    points = keras.Input(shape=(time_steps, N_FEATURES), name="points")
    lstm = _seeded_lstm(units, seed, return_sequences=framing == "sequence" or head == "mixture")
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
        optimizer=_adam(learning_rate, learning_rate_decay_to, n_updates),
    )
    return model


@keras.saving.register_keras_serializable(package="shapegen")
class PortableOrthogonal(keras.initializers.Orthogonal):
    """Keras' Orthogonal initializer (the same normal draw, Q of its QR decomposition, signs
    from R's diagonal) with the decomposition done by numpy in float64: TensorFlow's QR of a
    128-wide matrix rounds differently on different CPUs, numpy's LAPACK with its kernels
    pinned (shapegen.numerics) does not (docs/reproducibility.md)."""

    def __call__(self, shape, dtype=None):
        rows, cols = math.prod(shape[:-1]), shape[-1]
        normal = keras.random.normal((max(rows, cols), min(rows, cols)), seed=self.seed)
        q, r = np.linalg.qr(keras.ops.convert_to_numpy(normal).astype(np.float64))
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        values = (self.gain * q).reshape(shape)
        return keras.ops.convert_to_tensor(values, dtype=dtype or keras.config.floatx())


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
class TakeColumns(keras.layers.Layer):
    """Input columns start:stop: the step's own first coordinate is split off the inputs."""

    def __init__(self, start: int, stop: int, **kwargs):
        super().__init__(**kwargs)
        self.start, self.stop = start, stop

    def call(self, inputs):
        return inputs[..., self.start : self.stop]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.stop - self.start)

    def get_config(self) -> dict:
        return {**super().get_config(), "start": self.start, "stop": self.stop}


@keras.saving.register_keras_serializable(package="shapegen")
class MixtureNLL(keras.losses.Loss):
    """The mixture's negative log-likelihood (shapegen.heads.mixture) as a Keras loss.

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


@keras.saving.register_keras_serializable(package="shapegen")
class ColumnEmbedding(keras.layers.Layer):
    """An embedding of one input column that holds a class index (as a float)."""

    def __init__(self, column: int, input_dim: int, output_dim: int, seed: int, **kwargs):
        super().__init__(**kwargs)
        self.column, self.input_dim, self.output_dim, self.seed = (
            column,
            input_dim,
            output_dim,
            seed,
        )

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=self.seed),
            name="embeddings",
        )

    def call(self, inputs):
        indices = keras.ops.cast(inputs[..., self.column], "int32")
        return keras.ops.take(self.embeddings, indices, axis=0)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.output_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "column": self.column,
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="shapegen")
class MemorylessLSTM(keras.layers.Layer):
    """Keras' LSTM over sequences of one step, each from the zero state (the point
    framing): the same outputs, without the recurrent kernel and forget gate that a zero
    state makes dead weight (a quarter of the categorical point model's arithmetic).

    Its kernel and bias are laid out and initialised as keras.layers.LSTM's (gates i, f,
    c, o; the forget gate's bias 1, unused), so shapegen.sampling.network's LSTM cell reads them.
    """

    def __init__(self, units: int, seed: int, **kwargs):
        super().__init__(**kwargs)
        self.units, self.seed = units, seed

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 4 * self.units),
            initializer=keras.initializers.GlorotUniform(seed=self.seed),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(4 * self.units,),
            initializer=keras.initializers.Constant(
                [0.0] * self.units + [1.0] * self.units + [0.0] * 2 * self.units
            ),
            name="bias",
        )

    def call(self, inputs):
        z = keras.ops.matmul(inputs, self.kernel) + self.bias
        gate_in, _, candidate, gate_out = keras.ops.split(z, 4, axis=-1)
        cell = keras.ops.sigmoid(gate_in) * keras.ops.tanh(candidate)
        return keras.ops.sigmoid(gate_out) * keras.ops.tanh(cell)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "seed": self.seed}


@keras.saving.register_keras_serializable(package="shapegen")
class CategoricalNLL(keras.losses.Loss):
    """Negative log-likelihood of a shape's binned moves and of its end
    (shapegen.heads.categorical.shapes_nll with keras.ops). `bins` and `conditional` (the
    family given or not) are read back with the file."""

    def __init__(self, bins: int, conditional: bool, **kwargs):
        super().__init__(**kwargs)
        self.bins, self.conditional = bins, conditional

    def call(self, y_true, y_pred):
        return categorical.shapes_nll(y_true, y_pred, self.bins, keras.ops)

    def get_config(self) -> dict:
        return {**super().get_config(), "bins": self.bins, "conditional": self.conditional}


def build_categorical_model(
    units: int,
    learning_rate: float,
    seed: int,
    framing: str,
    bins: int,
    embedding_units: int,
    hidden_units: int,
    conditional: bool,
    clip_norm: float,
    learning_rate_decay_to: float = 1.0,
    n_updates: int = 1,
) -> keras.Model:
    """The shapes' model with a categorical head (shapegen.heads.categorical).

    The LSTM reads each step's inputs with the previous move's two bins embedded (a table
    each); the first coordinate's head is a softmax over its bins and END; the second's
    reads the first's bin, embedded (teacher-forced in training, drawn when generating).
    Each head is a softmax over a ReLU layer of hidden_units over its features, shared by
    the steps (the step is an input). Without the embeddings a bin's value alone gave 29%
    invalid shapes in a prototype (docs/shapes.md); without the ReLU layers (linear read-outs
    of the LSTM) 4.2% instead of 0.8% (families_conditional, 12,000 updates): where a
    polygon's centre may lie is a sharp function of the earlier moves.
    """
    steps = 1 if framing == "point" else categorical.N_STEPS
    moves = keras.Input(shape=(steps, categorical.N_INPUTS + 1), name="moves")
    inputs = TakeColumns(categorical.PREVIOUS_VALUES.start, categorical.N_INPUTS, name="inputs")(
        moves
    )
    embedded = [
        ColumnEmbedding(column, bins + 1, embedding_units, seed + 3 + column, name=name)(moves)
        for column, name in enumerate(("previous_first", "previous_second"))
    ]
    trunk_inputs = keras.layers.Concatenate(name="trunk_inputs")([*embedded, inputs])
    if framing == "point":
        lstm = MemorylessLSTM(units, seed, name="lstm")(trunk_inputs)
    else:
        lstm = _seeded_lstm(units, seed, return_sequences=True)(trunk_inputs)
    first_bin = ColumnEmbedding(
        categorical.FIRST_BIN_COLUMN, bins, embedding_units, seed + 5, name="given_first"
    )(moves)
    features = {
        "first": lstm,
        "second": keras.layers.Concatenate(name="trunk_and_first")([lstm, first_bin]),
    }
    for offset, name in enumerate(features):
        features[name] = keras.layers.Dense(
            hidden_units,
            activation="relu",
            name=f"{name}_hidden",
            kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 7 + offset),
        )(features[name])
    first_logits = keras.layers.Dense(
        bins + 1,
        name="first_head",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
    )(features["first"])
    second_logits = keras.layers.Dense(
        bins,
        name="second_head",
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 6),
    )(features["second"])
    outputs = keras.layers.Concatenate(name="head")([first_logits, second_logits])
    model = keras.Model(moves, outputs, name=f"{framing}_lstm_categorical_head")
    # Training may run fewer steps (shapegen.training.loop's length buckets: a short shape's
    # batch stops at its end); the layers take any number, the LSTM unrolled over them.
    model.input_spec = keras.layers.InputSpec(shape=(None, None, categorical.N_INPUTS + 1))
    model.compile(
        loss=CategoricalNLL(bins, conditional),
        optimizer=_adam(learning_rate, learning_rate_decay_to, n_updates, clip_norm),
    )
    return model


def load_keras_model(path: str | Path) -> keras.Model:
    """A model file as Keras reads it, in safe mode: the reference that
    shapegen.sampling.network matches."""
    return keras.models.load_model(path, safe_mode=True)


def _seeded_lstm(units: int, seed: int, return_sequences: bool) -> keras.layers.LSTM:
    """The trunk of every model: an unrolled LSTM named `lstm`, its initializers seeded."""
    return keras.layers.LSTM(
        units,
        name="lstm",
        unroll=True,
        return_sequences=return_sequences,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=PortableOrthogonal(seed=seed + 1),
    )


def _adam(
    learning_rate: float, decay_to: float, n_updates: int, clip_norm: float | None = None
) -> keras.optimizers.Adam:
    """Every model's optimizer: Adam on _schedule, each weight's gradient clipped to clip_norm
    (None: not clipped)."""
    return keras.optimizers.Adam(
        name="adam",
        learning_rate=_schedule(learning_rate, decay_to, n_updates),
        clipnorm=clip_norm,
    )


def _schedule(learning_rate: float, decay_to: float, n_updates: int):
    """A constant rate (the chapter), or cosine decay to decay_to x rate at the last update."""
    if decay_to == 1.0:
        return learning_rate
    return keras.optimizers.schedules.CosineDecay(learning_rate, n_updates, alpha=decay_to)
