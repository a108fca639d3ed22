"""The chapter's generative LSTM: LSTM(units) over one time step -> Dense(2, linear)."""

import keras

LOSS = "mae"
N_FEATURES = 2


def build_model(units: int, learning_rate: float, seed: int) -> keras.Model:
    """Build and compile the point model; the weights depend only on `seed`.

    Each initializer gets its own seed, so no global random state is used. The LSTM
    is unrolled: with one time step the math is the same, and the unrolled graph
    compiles into the XLA training loop without a nested loop.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(1, N_FEATURES)),
            keras.layers.LSTM(
                units,
                unroll=True,
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
                recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
            ),
            keras.layers.Dense(
                N_FEATURES,
                activation="linear",
                kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 2),
            ),
        ],
        name="point_lstm",
    )
    model.compile(loss=LOSS, optimizer=keras.optimizers.Adam(learning_rate=learning_rate))
    return model
