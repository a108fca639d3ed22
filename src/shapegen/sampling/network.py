"""A trained model's forward pass in numpy: the LSTM and its head, without TensorFlow.

The Keras model (shapegen.model) is what trains and what a saved file holds; this is the
same arithmetic on the same weights, read by shapegen.sampling.model_file, so that drawing a
shape costs microseconds instead of TensorFlow's seconds of start-up. Tests hold it to
Keras' outputs within 1e-5 for every framing and head. The rectangles' heads compute in
float64; the categorical head in float32, the precision Keras trains it in: its matrices
are 100 times larger, and float32 products run 2.7 times faster on this project's CPUs.
"""

import dataclasses

import numpy as np

from shapegen.heads.mixture import MixtureSpec


@dataclasses.dataclass(frozen=True, eq=False)
class Network:
    """The weights of a trained LSTM and head, and what the head's outputs mean.

    framing `point` (the chapter): each input point is a sequence of its own, with no
    memory; `sequence`: the LSTM's state carries from one point to the next. The head
    reads the LSTM's output (and, for a mixture, the current point beside it) with
    weights per step (head_kernel (steps, features, outputs)) or shared (steps = 1).
    """

    framing: str
    head: str
    lstm_kernel: np.ndarray  # (inputs, 4 units): input, forget, cell, output gates
    lstm_recurrent_kernel: np.ndarray | None  # (units, 4 units); None: memoryless (point)
    lstm_bias: np.ndarray  # (4 units,)
    head_kernel: np.ndarray  # (steps, units [+ 2], outputs); categorical: (1, hidden, bins + 1)
    head_bias: np.ndarray  # (steps, outputs)
    mixture: MixtureSpec | None
    train_updates: int
    # The categorical head (shapes): a second head for each move's second coordinate,
    # reading the first's bin too; and whether the family is an input.
    second_head_kernel: np.ndarray | None = None  # (1, hidden units, bins)
    second_head_bias: np.ndarray | None = None  # (1, bins)
    conditional: bool = False
    # The categorical head's ReLU layers (kernel, bias), one under each head; None for the
    # rectangles' heads, which are linear in their features.
    first_hidden: tuple[np.ndarray, np.ndarray] | None = None
    second_hidden: tuple[np.ndarray, np.ndarray] | None = None
    # And its embedding tables of the previous move's first and second bins (a START row
    # last) and of the step's own first bin; the number of bins.
    embeddings: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    bins: int = 0

    @property
    def units(self) -> int:
        return self.lstm_bias.shape[0] // 4

    @property
    def n_parameters(self) -> int:
        """Trainable parameters, as Keras' model.count_params() counts them."""
        weights = (
            self.lstm_kernel,
            self.lstm_recurrent_kernel,
            self.lstm_bias,
            self.head_kernel,
            self.head_bias,
            self.second_head_kernel,
            self.second_head_bias,
            *(self.first_hidden or ()),
            *(self.second_hidden or ()),
            *(self.embeddings or ()),
        )
        return sum(weight.size for weight in weights if weight is not None)

    @property
    def hidden_units(self) -> int:
        return 0 if self.first_hidden is None else self.first_hidden[1].shape[0]

    def kind(self) -> dict:
        """framing, head, units (and mixture components): what params.yaml says of a variant."""
        kind = {"framing": self.framing, "head": self.head, "units": self.units}
        if self.mixture is not None:
            kind["n_components"] = self.mixture.n_components
        if self.head == "categorical":
            kind["conditional"] = self.conditional
            kind["bins"] = self.bins
            kind["embedding_units"] = self.embeddings[0].shape[1]
            kind["hidden_units"] = self.hidden_units
        return kind


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # no overflow warning for large |x|


def initial_state(network: Network, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The LSTM's zero state (h, c) for n sequences, as Keras starts each sequence, in the
    weights' precision: two arrays, so that a caller may write into either row by row."""
    shape, dtype = (n, network.units), network.lstm_kernel.dtype
    return np.zeros(shape, dtype=dtype), np.zeros(shape, dtype=dtype)


def lstm_step(
    network: Network, points: np.ndarray, state: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Keras' LSTM cell (tanh, sigmoid gates): the state (h, c) after reading inputs
    (n, features): the points (n, 2), or a categorical step's trunk inputs."""
    h, c = state
    z = points @ network.lstm_kernel
    if network.lstm_recurrent_kernel is not None:  # None: every step starts from zero
        z += h @ network.lstm_recurrent_kernel
    z += network.lstm_bias
    units = network.units
    gates = sigmoid(z)  # the candidate's quarter is not a gate, and is left unused
    candidate = np.tanh(z[:, 2 * units : 3 * units])
    c = gates[:, units : 2 * units] * c + gates[:, :units] * candidate
    return gates[:, 3 * units :] * np.tanh(c), c


def head_outputs(network: Network, h: np.ndarray, points: np.ndarray, step: int) -> np.ndarray:
    """The head's raw outputs (n, p) at a step, from the LSTM's output and the current point."""
    features = np.concatenate([h, points], axis=-1) if network.head != "point" else h
    index = min(step, network.head_kernel.shape[0] - 1)
    return features @ network.head_kernel[index] + network.head_bias[index]


def next_outputs(
    network: Network, points: np.ndarray, state: tuple[np.ndarray, np.ndarray], step: int
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Raw outputs (n, p) for the point after `points` (n, 2), the step-th of its sequence,
    and the state to carry to the next step.

    The point framing has no memory: each point starts from the zero state, as the
    chapter's one-step samples do.
    """
    points = np.asarray(points, dtype=np.float64)
    if network.framing == "point":
        state, step = initial_state(network, points.shape[0]), 0
    state = lstm_step(network, points, state)
    return head_outputs(network, state[0], points, step), state


def forward(network: Network, inputs: np.ndarray) -> np.ndarray:
    """Raw outputs (n, t, p) after each of the input points (n, t, 2), teacher-forced."""
    inputs = np.asarray(inputs, dtype=np.float64)
    state = initial_state(network, inputs.shape[0])
    outputs = []
    for step in range(inputs.shape[1]):
        raw, state = next_outputs(network, inputs[:, step], state, step)
        outputs.append(raw)
    return np.stack(outputs, axis=1)


def categorical_trunk_inputs(network: Network, inputs: np.ndarray) -> np.ndarray:
    """What a categorical model's LSTM reads (n, features) from a step's inputs (n,
    N_INPUTS): the previous move's two bins embedded, beside the other inputs."""
    previous_first, previous_second, _ = network.embeddings
    bins = inputs[:, :2].astype(np.int64)
    rest = inputs[:, 2:].astype(previous_first.dtype)
    return np.concatenate([previous_first[bins[:, 0]], previous_second[bins[:, 1]], rest], axis=-1)


def categorical_lstm_step(
    network: Network, inputs: np.ndarray, state: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """A categorical model's LSTM state after a step's inputs (n, N_INPUTS); the point
    framing starts every step from the zero state."""
    if network.framing == "point":
        state = initial_state(network, inputs.shape[0])
    return lstm_step(network, categorical_trunk_inputs(network, inputs), state)


def categorical_first_logits(network: Network, h: np.ndarray) -> np.ndarray:
    """The first coordinate's logits (n, bins + 1; END last) from the LSTM's output."""
    features = _relu_layer(h, network.first_hidden)
    return features @ network.head_kernel[0] + network.head_bias[0]


def categorical_second_logits(network: Network, h: np.ndarray, first: np.ndarray) -> np.ndarray:
    """The second coordinate's logits (n, bins) given the LSTM's output and the first bin."""
    given = network.embeddings[2][np.asarray(first, dtype=np.int64)]
    features = _relu_layer(np.concatenate([h, given], axis=-1), network.second_hidden)
    return features @ network.second_head_kernel[0] + network.second_head_bias[0]


def _relu_layer(features: np.ndarray, layer: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    kernel, bias = layer
    return np.maximum(features @ kernel + bias, 0.0)


def categorical_trunk(
    network: Network, inputs: np.ndarray, scored: np.ndarray | None = None
) -> np.ndarray:
    """The LSTM's outputs (n, steps, units) over a categorical model's inputs (n, steps,
    N_INPUTS + 1) as shapegen.heads.categorical.frame_shapes makes them, teacher-forced.

    scored (n, steps), true up to each shape's end: the LSTM runs only there (zeros are
    left after an end, which scores nothing)."""
    n, steps = inputs.shape[:2]
    h, c = initial_state(network, n)
    outputs = np.zeros((n, steps, network.units), dtype=h.dtype)
    for step in range(steps):
        rows = slice(None) if scored is None else np.flatnonzero(scored[:, step])
        h_rows, c_rows = categorical_lstm_step(network, inputs[rows, step, :-1], (h[rows], c[rows]))
        h[rows], c[rows], outputs[rows, step] = h_rows, c_rows, h_rows
    return outputs


def categorical_heads(network: Network, h: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Both coordinates' logits (..., 2 bins + 1) from LSTM outputs (..., units) and each
    step's own first bin (...), teacher-forced."""
    shape = h.shape[:-1]
    h = h.reshape(-1, h.shape[-1])
    logits = np.concatenate(
        [
            categorical_first_logits(network, h),
            categorical_second_logits(network, h, first.ravel()),
        ],
        axis=1,
    )
    return logits.reshape(*shape, -1)


def categorical_forward(network: Network, inputs: np.ndarray) -> np.ndarray:
    """A categorical model's logits (n, steps, 2 bins + 1), teacher-forced: inputs (n, steps,
    N_INPUTS + 1) as shapegen.heads.categorical.frame_shapes makes them."""
    return categorical_heads(network, categorical_trunk(network, inputs), inputs[..., -1])
