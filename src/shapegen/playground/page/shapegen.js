/* shapegen's trained models in JavaScript: the forward pass, the sampling and the
 * recogniser of the numpy code, ported line for line so that a test can hold one to the
 * other (tests/playground/). What each function mirrors:
 *   lstmStep, rectangles' heads, categorical heads  src/shapegen/sampling/network.py
 *   sampleMixture, normalCdf, normalQuantile         src/shapegen/heads/mixture.py, normal.py
 *   sampleClass, stepInputs, quantize                src/shapegen/heads/categorical.py
 *   advance, encodeMoves                             src/shapegen/data/turtle.py
 *   completeRectangles, completeShapes               src/shapegen/sampling/*_generator.py
 *   recognise                                        src/shapegen/evaluation/recognition.py
 * It runs in a page (a classic script: `shapegen` on the window) and in Node (`require`).
 * Arithmetic is float64 on the float32 weights; shapes are arrays of [x, y].
 */
(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.shapegen = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // --- weights ------------------------------------------------------------------------

  function decodeFloat32(encoded) {
    const binary = atob(encoded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    // Keras saves little-endian float32; so are the machines that run pages. Kept float32:
    // half the memory to stream, and every product is still computed in float64.
    return new Float32Array(bytes.buffer);
  }

  /** A model from the payload's entry: its weights decoded, {shape, data} each. */
  function loadModel(name, entry, constants) {
    const weights = {};
    for (const [key, value] of Object.entries(entry.weights)) {
      weights[key] = { shape: value.shape, data: decodeFloat32(value.float32) };
    }
    return Object.assign({}, entry, { name, weights, constants });
  }

  /** out (rows x m) = x (rows x n) . kernel (n x m) [+ bias (m)], kernel at an offset.
   * Row by row of the kernel, every input row at once: each kernel row is read once per
   * call while it sits in the cache (a model's kernels are larger than the cache). */
  function matmul(x, rows, n, kernel, offset, m, bias, biasOffset) {
    const out = new Float64Array(rows * m);
    if (bias) for (let r = 0; r < rows; r++) out.set(bias.subarray(biasOffset, biasOffset + m), r * m);
    for (let i = 0; i < n; i++) {
      const k = offset + i * m;
      for (let r = 0; r < rows; r++) {
        const v = x[r * n + i];
        if (v === 0) continue;
        const o = r * m;
        for (let j = 0; j < m; j++) out[o + j] += v * kernel[k + j];
      }
    }
    return out;
  }

  function sigmoid(x) {
    return 0.5 * (1 + Math.tanh(0.5 * x));
  }

  /** Keras' LSTM cell: the state {h, c} (rows x units each) after inputs (rows x n). */
  function lstmStep(model, inputs, rows, state) {
    const w = model.weights;
    const units = model.units;
    const n = w.lstm_kernel.shape[0];
    const z = matmul(inputs, rows, n, w.lstm_kernel.data, 0, 4 * units, w.lstm_bias.data, 0);
    if (w.lstm_recurrent_kernel && model.framing !== "point") {
      const recurrent = matmul(state.h, rows, units, w.lstm_recurrent_kernel.data, 0, 4 * units);
      for (let i = 0; i < z.length; i++) z[i] += recurrent[i];
    }
    const h = new Float64Array(rows * units);
    const c = new Float64Array(rows * units);
    for (let r = 0; r < rows; r++) {
      const g = r * 4 * units;
      for (let u = 0; u < units; u++) {
        const input = sigmoid(z[g + u]);
        const forget = sigmoid(z[g + units + u]);
        const candidate = Math.tanh(z[g + 2 * units + u]);
        const output = sigmoid(z[g + 3 * units + u]);
        const previous = model.framing === "point" ? 0 : state.c[r * units + u];
        const cell = forget * previous + input * candidate;
        c[r * units + u] = cell;
        h[r * units + u] = output * Math.tanh(cell);
      }
    }
    return { h, c };
  }

  function zeroState(model, rows) {
    return { h: new Float64Array(rows * model.units), c: new Float64Array(rows * model.units) };
  }

  // --- the rectangles' heads ------------------------------------------------------------

  /** Raw outputs (rows x p) for the point after `points` (rows x 2), the step-th. */
  function rectangleOutputs(model, points, rows, state, step) {
    if (model.framing === "point") {
      state = zeroState(model, rows);
      step = 0;
    }
    state = lstmStep(model, points, rows, state);
    const w = model.weights;
    const [steps, features, p] = w.head_kernel.shape;
    const index = Math.min(step, steps - 1);
    let x = state.h;
    if (model.head !== "point") {
      x = new Float64Array(rows * features);
      const units = model.units;
      for (let r = 0; r < rows; r++) {
        x.set(state.h.subarray(r * units, (r + 1) * units), r * features);
        x[r * features + units] = points[2 * r];
        x[r * features + units + 1] = points[2 * r + 1];
      }
    }
    const outputs = matmul(
      x, rows, features, w.head_kernel.data, index * features * p, p, w.head_bias.data, index * p
    );
    return { outputs, state };
  }

  // The complementary error function (Math has none): Numerical Recipes' erfcc, whose
  // fractional error stays below 1.2e-7 everywhere, so the CDF's lower tail keeps its
  // relative precision (1 + erf would cancel to 0 there).
  function erfc(x) {
    const z = Math.abs(x);
    const t = 1 / (1 + 0.5 * z);
    const r =
      t *
      Math.exp(
        -z * z -
          1.26551223 +
          t *
            (1.00002368 +
              t *
                (0.37409196 +
                  t *
                    (0.09678418 +
                      t *
                        (-0.18628806 +
                          t *
                            (0.27886807 +
                              t *
                                (-1.13520398 +
                                  t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
      );
    return x >= 0 ? r : 2 - r;
  }

  function normalCdf(x) {
    return 0.5 * erfc(-x / Math.SQRT2);
  }

  function polyval(coefficients, x) {
    let value = 0;
    for (const c of coefficients) value = value * x + c;
    return value;
  }

  /** The x with P(Z <= x) = p; -Infinity at 0, Infinity at 1: Wichura's AS 241, its
   * coefficients (highest power first) those of src/shapegen/heads/normal.py, which the
   * payload's constants carry. */
  function normalQuantile(p, coefficients) {
    const q = p - 0.5;
    if (Math.abs(q) <= 0.425) {
      const r = 0.180625 - q * q;
      return (q * polyval(coefficients.central_numerator, r)) / polyval(coefficients.central_denominator, r);
    }
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    const tail = Math.sqrt(-Math.log(q <= 0 ? p : 1 - p));
    const x =
      tail <= 5
        ? polyval(coefficients.tail_numerator, tail - 1.6) / polyval(coefficients.tail_denominator, tail - 1.6)
        : polyval(coefficients.far_tail_numerator, tail - 5) / polyval(coefficients.far_tail_denominator, tail - 5);
    return q < 0 ? -x : x;
  }

  /** One point [x, y] from one row of a mixture head's raw outputs, at a temperature. */
  function sampleMixture(raw, offset, spec, random, temperature, coefficients) {
    const k = spec.n_components;
    let peak = -Infinity;
    for (let j = 0; j < k; j++) peak = Math.max(peak, raw[offset + j]);
    // log_softmax's shift cancels in the division below: the logits' own peak is enough.
    const weights = new Float64Array(k);
    let total = 0;
    for (let j = 0; j < k; j++) {
      weights[j] = Math.exp((raw[offset + j] - peak) / temperature);
      total += weights[j];
    }
    const choice = random();
    let component = 0;
    let cumulative = 0;
    for (; component < k - 1; component++) {
      cumulative += weights[component] / total;
      if (!(choice > cumulative)) break;
    }
    const ceiling = Math.log(spec.scale_ceiling);
    const point = [0, 0];
    for (let d = 0; d < 2; d++) {
      const mean = raw[offset + k + 2 * component + d];
      const logScale = Math.min(raw[offset + 3 * k + 2 * component + d], ceiling);
      const scale = (spec.scale_floor + Math.exp(logScale)) * Math.sqrt(temperature);
      const uniform = random();
      if (spec.support === "plane") {
        point[d] = mean + scale * normalQuantile(Math.max(uniform, Number.MIN_VALUE), coefficients);
        continue;
      }
      // Inverse-CDF sampling of the truncated Gaussian, mirrored below 1/2 (see mixture.py).
      const mirrored = mean < 0.5;
      const centre = mirrored ? 1 - mean : mean;
      const low = normalCdf(-centre / scale);
      const high = normalCdf((1 - centre) / scale);
      let drawn =
        high - low > 0 ? centre + scale * normalQuantile(low + uniform * (high - low), coefficients) : centre;
      drawn = mirrored ? 1 - drawn : drawn;
      point[d] = Math.min(1, Math.max(0, drawn));
    }
    return point;
  }

  /** n rectangles (4 corners each) that keep the given first corners (k x 2, the first
   * the origin) and draw the rest; k = 0 starts at [0, 0]. */
  function completeRectangles(model, prefix, n, random, temperature) {
    const corners = model.constants.rectangle_corners;
    const points = new Float64Array(n * 2);
    const shapes = [];
    for (let r = 0; r < n; r++) shapes.push([prefix.length ? prefix[0].slice() : [0, 0]]);
    let state = zeroState(model, n);
    for (let step = 0; step < corners - 1; step++) {
      for (let r = 0; r < n; r++) {
        points[2 * r] = shapes[r][step][0];
        points[2 * r + 1] = shapes[r][step][1];
      }
      const result = rectangleOutputs(model, points, n, state, step);
      state = result.state;
      const p = result.outputs.length / n;
      for (let r = 0; r < n; r++) {
        let next;
        if (step + 1 < prefix.length) next = prefix[step + 1].slice();
        else if (model.head === "point") next = [result.outputs[r * p], result.outputs[r * p + 1]];
        else {
          const coefficients = model.constants.normal_quantile;
          next = sampleMixture(result.outputs, r * p, model.mixture, random, temperature, coefficients);
        }
        shapes[r].push(next);
      }
    }
    return shapes;
  }

  // --- the shapes' categorical heads ------------------------------------------------------

  function quantize(value, bins) {
    if (Number.isNaN(value)) value = 0;
    if (value === Infinity) value = 1;
    if (value === -Infinity) value = 0;
    // np.rint rounds half to even; Math.round rounds half up.
    const scaled = value * (bins - 1);
    let nearest = Math.round(scaled);
    if (Math.abs(scaled - Math.trunc(scaled)) === 0.5 && nearest % 2 !== 0) nearest -= 1;
    return Math.min(bins - 1, Math.max(0, nearest));
  }

  /** The moves (k x 2) of a shape's points (k x 2), as src/shapegen/data/turtle.py codes them. */
  function encodeMoves(points, constants) {
    const TURN = 2 * Math.PI;
    const mod = (a, b) => ((a % b) + b) % b;
    const moves = [];
    const headings = [];
    const lengths = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const dx = points[i + 1][0] - points[i][0];
      const dy = points[i + 1][1] - points[i][1];
      headings.push(Math.atan2(dy, dx));
      lengths.push(Math.hypot(dx, dy));
    }
    const codes = [];
    for (let i = 0; i + 1 < headings.length; i++) {
      const turn = mod(headings[i + 1] - headings[i], TURN) / TURN;
      codes.push(1 / (constants.sides_scale * turn));
    }
    for (let i = 0; i < points.length; i++) {
      if (i === 0) moves.push([points[0][0], points[0][1]]);
      else if (i === 1) moves.push([mod(headings[0], TURN) / TURN, lengths[0]]);
      else if (i === 2) moves.push([codes[0], lengths[1]]);
      else moves.push([codes[i - 2] - codes[i - 3] + constants.delta_offset, lengths[i - 1]]);
    }
    return moves;
  }

  /** The turtle {point, heading, sidesCode, moves} after one more move [first, length]. */
  function advance(turtle, move, constants) {
    const [first, length] = move;
    if (turtle.moves === 0) return { point: [first, length], heading: 0, sidesCode: 0, moves: 1 };
    let sidesCode = turtle.sidesCode;
    let heading;
    if (turtle.moves === 1) {
      heading = 2 * Math.PI * first;
    } else {
      sidesCode =
        turtle.moves === constants.first_turn_move
          ? first
          : turtle.sidesCode + first - constants.delta_offset;
      heading =
        turtle.heading + (2 * Math.PI) / (constants.sides_scale * Math.max(sidesCode, 2.2250738585072014e-308));
    }
    const point = [
      turtle.point[0] + length * Math.cos(heading),
      turtle.point[1] + length * Math.sin(heading),
    ];
    return { point, heading, sidesCode, moves: turtle.moves + 1 };
  }

  /** One step's inputs (N_INPUTS): the previous move's bins (null: START), step, family. */
  function stepInputs(previous, step, family, model) {
    const constants = model.constants;
    const inputs = new Float64Array(constants.n_inputs);
    if (previous === null) {
      inputs[0] = model.bins;
      inputs[1] = model.bins;
    } else {
      inputs[0] = previous[0];
      inputs[1] = previous[1];
      inputs[2] = previous[0] / (model.bins - 1);
      inputs[3] = previous[1] / (model.bins - 1);
    }
    inputs[constants.step_columns + step] = 1;
    if (family !== null) inputs[constants.family_columns + family] = 1;
    return inputs;
  }

  /** What the LSTM reads (rows x features) of rows of step inputs: the bins embedded. */
  function trunkInputs(model, inputs, rows) {
    const w = model.weights;
    const width = w.previous_first_embedding.shape[1];
    const nInputs = model.constants.n_inputs;
    const features = 2 * width + nInputs - 2;
    const x = new Float64Array(rows * features);
    for (let r = 0; r < rows; r++) {
      const row = inputs.subarray(r * nInputs, (r + 1) * nInputs);
      const o = r * features;
      x.set(w.previous_first_embedding.data.subarray(row[0] * width, (row[0] + 1) * width), o);
      x.set(w.previous_second_embedding.data.subarray(row[1] * width, (row[1] + 1) * width), o + width);
      x.set(row.subarray(2), o + 2 * width);
    }
    return x;
  }

  function reluLayer(x, rows, kernel, bias) {
    const [n, m] = kernel.shape;
    const out = matmul(x, rows, n, kernel.data, 0, m, bias.data, 0);
    for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
    return out;
  }

  /** The first coordinate's logits (rows x bins + 1, END last). */
  function firstLogits(model, h, rows) {
    const w = model.weights;
    const features = reluLayer(h, rows, w.first_hidden_kernel, w.first_hidden_bias);
    const [, n, m] = w.head_kernel.shape;
    return matmul(features, rows, n, w.head_kernel.data, 0, m, w.head_bias.data, 0);
  }

  /** The second coordinate's logits (rows x bins) given each row's first bin. */
  function secondLogits(model, h, rows, first) {
    const w = model.weights;
    const units = model.units;
    const width = w.first_embedding.shape[1];
    const x = new Float64Array(rows * (units + width));
    for (let r = 0; r < rows; r++) {
      x.set(h.subarray(r * units, (r + 1) * units), r * (units + width));
      x.set(w.first_embedding.data.subarray(first[r] * width, (first[r] + 1) * width), r * (units + width) + units);
    }
    const features = reluLayer(x, rows, w.second_hidden_kernel, w.second_hidden_bias);
    const [, n, m] = w.second_head_kernel.shape;
    return matmul(features, rows, n, w.second_head_kernel.data, 0, m, w.second_head_bias.data, 0);
  }

  /** The running sums (classes) of a row's class weights, exp(logit / T) shifted so the
   * largest is 1: the last is their total. */
  function classSums(logits, offset, classes, temperature) {
    let peak = -Infinity;
    for (let j = 0; j < classes; j++) peak = Math.max(peak, logits[offset + j] / temperature);
    const cumulative = new Float64Array(classes);
    let total = 0;
    for (let j = 0; j < classes; j++) {
      total += Math.exp(logits[offset + j] / temperature - peak);
      cumulative[j] = total;
    }
    return cumulative;
  }

  /** One class drawn from a row's running sums of weights. */
  function drawClass(cumulative, random) {
    const draw = random() * cumulative[cumulative.length - 1];
    let chosen = 0;
    while (chosen < cumulative.length - 1 && cumulative[chosen] < draw) chosen++;
    return chosen;
  }

  /** One class of a row of logits divided by the temperature. */
  function sampleClass(logits, offset, classes, random, temperature) {
    return drawClass(classSums(logits, offset, classes, temperature), random);
  }

  /** n shapes that keep the given first points (k x 2) and draw the rest, move by move:
   * each a list of points. family: the family index asked of a conditional model (else
   * null). onStep(step, rows), if given, sees every step's drawn moves and END decisions. */
  function completeShapes(model, prefix, n, random, temperature, family, onStep) {
    const constants = model.constants;
    const bins = model.bins;
    const maxPoints = constants.max_points;
    const givenMoves = encodeMoves(prefix, constants);
    const givenCodes = givenMoves.map((move) => [quantize(move[0], bins), quantize(move[1], bins)]);
    const shapes = [];
    const turtles = [];
    const codes = [];
    for (let r = 0; r < n; r++) {
      shapes.push([]);
      turtles.push({ point: [0, 0], heading: 0, sidesCode: 0, moves: 0 });
      codes.push(null);
    }
    let live = Array.from({ length: n }, (_, r) => r);
    let state = zeroState(model, n);
    const units = model.units;
    for (let step = 0; step < maxPoints && live.length; step++) {
      const rows = live.length;
      const inputs = new Float64Array(rows * constants.n_inputs);
      live.forEach((r, i) =>
        inputs.set(stepInputs(step === 0 ? null : codes[r], step, family, model), i * constants.n_inputs)
      );
      state = lstmStep(model, trunkInputs(model, inputs, rows), rows, state);
      const decisions = [];
      let moves;
      let stepCodes;
      let keep = live.map(() => true);
      const endProbability = [];
      if (step < prefix.length) {
        moves = live.map(() => givenMoves[step]);
        stepCodes = live.map(() => givenCodes[step]);
      } else {
        const first = [];
        const logits = firstLogits(model, state.h, rows);
        for (let i = 0; i < rows; i++) {
          // END is the last class: its weight is the last running sum less the one before.
          const sums = classSums(logits, i * (bins + 1), bins + 1, temperature);
          endProbability[i] = (sums[bins] - sums[bins - 1]) / sums[bins];
          first.push(drawClass(sums, random));
        }
        keep = first.map((f) => f !== bins);
        const kept = first.filter((_, i) => keep[i]);
        const h = new Float64Array(kept.length * units);
        let j = 0;
        for (let i = 0; i < rows; i++) if (keep[i]) h.set(state.h.subarray(i * units, (i + 1) * units), units * j++);
        const second = secondLogits(model, h, kept.length, kept);
        stepCodes = [];
        j = 0;
        for (let i = 0; i < rows; i++) {
          if (!keep[i]) {
            stepCodes.push(null);
            continue;
          }
          stepCodes.push([first[i], sampleClass(second, j * bins, bins, random, temperature)]);
          j++;
        }
        moves = stepCodes.map((c) => (c === null ? null : [c[0] / (bins - 1), c[1] / (bins - 1)]));
      }
      const nextLive = [];
      const h = [];
      const c = [];
      live.forEach((r, i) => {
        decisions.push({ shape: r, end: !keep[i], code: stepCodes[i], endProbability: endProbability[i] });
        if (!keep[i]) return;
        codes[r] = stepCodes[i];
        turtles[r] = advance(turtles[r], moves[i], constants);
        shapes[r].push(turtles[r].point);
        nextLive.push(r);
        h.push(state.h.subarray(i * units, (i + 1) * units));
        c.push(state.c.subarray(i * units, (i + 1) * units));
      });
      if (onStep) onStep(step, decisions);
      live = nextLive;
      state = { h: new Float64Array(live.length * units), c: new Float64Array(live.length * units) };
      h.forEach((row, i) => state.h.set(row, i * units));
      c.forEach((row, i) => state.c.set(row, i * units));
    }
    // The given points are kept as they are (their moves were read in bins).
    for (const shape of shapes) for (let i = 0; i < prefix.length && i < shape.length; i++) shape[i] = prefix[i].slice();
    return shapes;
  }

  // --- teacher-forced outputs, as the numpy forward passes give them (the tests' check) ----

  /** A rectangles model's raw outputs (3 x p) after each true corner but the last. */
  function rectangleForward(model, points) {
    const outputs = [];
    let state = zeroState(model, 1);
    for (let step = 0; step < points.length - 1; step++) {
      const result = rectangleOutputs(model, Float64Array.from(points[step]), 1, state, step);
      state = result.state;
      outputs.push(Array.from(result.outputs));
    }
    return outputs;
  }

  /** A categorical model's logits per step (k + 1 steps, 2 bins + 1 each: the first
   * coordinate's with END, then the second's given the true first bin; 0 after the end)
   * for a shape of k points: its moves read in bins, as shapegen.heads.categorical frames it. */
  function categoricalForward(model, points, family) {
    const bins = model.bins;
    const codes = encodeMoves(points, model.constants).map((m) => [quantize(m[0], bins), quantize(m[1], bins)]);
    let state = zeroState(model, 1);
    const logits = [];
    for (let step = 0; step <= points.length; step++) {
      const inputs = stepInputs(step === 0 ? null : codes[step - 1], step, family, model);
      state = lstmStep(model, trunkInputs(model, inputs, 1), 1, state);
      const first = step < points.length ? codes[step][0] : 0;
      logits.push([...firstLogits(model, state.h, 1), ...secondLogits(model, state.h, 1, [first])]);
    }
    return logits;
  }

  // --- one interface for every model --------------------------------------------------------

  /** n shapes from the model, each a list of [x, y], that begin with `given` (may be []). */
  function complete(model, given, n, options) {
    const random = options.random;
    const temperature = options.temperature;
    const family = options.family === undefined ? null : options.family;
    if (model.data === "rectangles") return completeRectangles(model, given, n, random, temperature);
    return completeShapes(model, given, n, random, temperature, family, options.onStep);
  }

  // --- a seeded generator of uniforms in [0, 1) --------------------------------------------

  /** xoshiro128** seeded by splitmix32 from a whole number; each draw has 53 random bits. */
  function seededRandom(seed) {
    let s = seed >>> 0;
    const next32 = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const state = [next32(), next32(), next32(), next32()];
    const rotl = (x, k) => ((x << k) | (x >>> (32 - k))) >>> 0;
    const draw = () => {
      const result = Math.imul(rotl(Math.imul(state[1], 5) >>> 0, 7), 9) >>> 0;
      const t = (state[1] << 9) >>> 0;
      state[2] ^= state[0];
      state[3] ^= state[1];
      state[1] ^= state[2];
      state[0] ^= state[3];
      state[2] ^= t;
      state[3] = rotl(state[3], 11);
      return result;
    };
    return () => ((draw() >>> 5) * 67108864 + (draw() >>> 6)) / 9007199254740992;
  }

  // --- the recogniser ---------------------------------------------------------------------

  const clip = (x, [low, high]) => Math.min(high, Math.max(low, x));

  function rms(points, fitted) {
    let total = 0;
    for (let i = 0; i < points.length; i++) {
      total += (points[i][0] - fitted[i][0]) ** 2 + (points[i][1] - fitted[i][1]) ** 2;
    }
    return Math.sqrt(total / points.length);
  }

  function rotatedPoints(width, height, angle) {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const p0 = [height * s, 0];
    const p1 = [p0[0] + width * c, width * s];
    return [p0, p1, [p1[0] - height * s, p1[1] + height * c], [p0[0] - height * s, height * c]];
  }

  function rotatedSides(points, angle, constants) {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    const aw = [0, 0, c, s, c, s, 0, 0];
    const ah = [s, 0, s, 0, 0, c, 0, c];
    const y = points.flat();
    let ww = 0, wh = 0, hh = 0, yw = 0, yh = 0;
    for (let i = 0; i < 8; i++) {
      ww += aw[i] * aw[i];
      wh += aw[i] * ah[i];
      hh += ah[i] * ah[i];
      yw += aw[i] * y[i];
      yh += ah[i] * y[i];
    }
    const determinant = ww * hh - wh * wh;
    return [
      clip((hh * yw - wh * yh) / determinant, constants.rotated_side),
      clip((ww * yh - wh * yw) / determinant, constants.rotated_side),
    ];
  }

  function rotatedError(points, angle, constants) {
    const [width, height] = rotatedSides(points, angle, constants);
    return rms(points, rotatedPoints(width, height, angle));
  }

  function fitRotated(points, constants) {
    const edges = points.map((p, i) => {
      const q = points[(i + 1) % 4];
      return [q[0] - p[0], q[1] - p[1]];
    });
    const quarter = ([x, y]) => [y, -x];
    const turned = [0, 1].map(
      (d) => edges[0][d] + quarter(edges[1])[d] - edges[2][d] - quarter(edges[3])[d]
    );
    const guess = Math.atan2(turned[1], turned[0]);
    let low = clip(guess - 0.3, constants.angle_range);
    let high = clip(guess + 0.3, constants.angle_range);
    const inverseGolden = (Math.sqrt(5) - 1) / 2;
    let left = high - inverseGolden * (high - low);
    let right = low + inverseGolden * (high - low);
    let leftError = rotatedError(points, left, constants);
    let rightError = rotatedError(points, right, constants);
    for (let i = 0; i < constants.golden_steps; i++) {
      if (leftError < rightError) {
        high = right;
        right = left;
        rightError = leftError;
        left = high - inverseGolden * (high - low);
        leftError = rotatedError(points, left, constants);
      } else {
        low = left;
        left = right;
        leftError = rightError;
        right = low + inverseGolden * (high - low);
        rightError = rotatedError(points, right, constants);
      }
    }
    const angle = (low + high) / 2;
    const [width, height] = rotatedSides(points, angle, constants);
    return { parameters: { width, height, angle }, error: rotatedError(points, angle, constants) };
  }

  function fitRectangle(points, constants) {
    const width = clip((points[1][0] + points[2][0]) / 2, constants.rectangle_side);
    const height = clip((points[2][1] + points[3][1]) / 2, constants.rectangle_side);
    const fitted = [[0, 0], [width, 0], [width, height], [0, height]];
    return { parameters: { width, height }, error: rms(points, fitted) };
  }

  function fitPolygon(points, constants) {
    const sides = points.length;
    let cx = 0, cy = 0;
    for (const [x, y] of points) {
      cx += x / sides;
      cy += y / sides;
    }
    let zx = 0, zy = 0;
    points.forEach(([x, y], j) => {
      const a = (2 * Math.PI * j) / sides;
      zx += (Math.cos(a) * (x - cx) + Math.sin(a) * (y - cy)) / sides;
      zy += (-Math.sin(a) * (x - cx) + Math.cos(a) * (y - cy)) / sides;
    });
    const radius = clip(Math.hypot(zx, zy), constants.radius);
    const period = (2 * Math.PI) / sides;
    let rotation = (((Math.atan2(zy, zx)) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    if (!(rotation < period)) rotation = rotation < Math.PI + period / 2 ? period : 0;
    cx = clip(cx, [radius, 1 - radius]);
    cy = clip(cy, [radius, 1 - radius]);
    const fitted = points.map((_, j) => {
      const a = rotation + (2 * Math.PI * j) / sides;
      return [cx + radius * Math.cos(a), cy + radius * Math.sin(a)];
    });
    return {
      parameters: { sides, radius, centre_x: cx, centre_y: cy, rotation },
      error: rms(points, fitted),
    };
  }

  /** What a shape is: {family: a name or "invalid", error, parameters}, as recognise()
   * decides it: a 4-point shape is a rectangle first if one fits within the tolerance. */
  function recognise(points, constants) {
    const [rectangle, rotated, polygon] = constants.families;
    const fits = {};
    if (points.length === 4) {
      fits[rectangle] = fitRectangle(points, constants);
      fits[rotated] = fitRotated(points, constants);
    }
    if (points.length >= constants.sides[0] && points.length <= constants.sides[1]) {
      fits[polygon] = fitPolygon(points, constants);
    }
    const tolerance = constants.fit_tolerance;
    let chosen = null;
    if (fits[rectangle] && fits[rectangle].error <= tolerance) chosen = rectangle;
    else {
      for (const family of [rotated, polygon]) {
        if (fits[family] && (chosen === null || fits[family].error < fits[chosen].error)) chosen = family;
      }
    }
    if (chosen === null) return { family: "invalid", error: Infinity, parameters: null };
    const fit = fits[chosen];
    if (!(fit.error <= tolerance)) return { family: "invalid", error: fit.error, parameters: null };
    return { family: chosen, error: fit.error, parameters: fit.parameters };
  }

  return {
    loadModel,
    decodeFloat32,
    lstmStep,
    zeroState,
    rectangleOutputs,
    trunkInputs,
    stepInputs,
    firstLogits,
    secondLogits,
    erfc,
    normalCdf,
    normalQuantile,
    sampleMixture,
    sampleClass,
    quantize,
    encodeMoves,
    advance,
    complete,
    completeRectangles,
    completeShapes,
    rectangleForward,
    categoricalForward,
    seededRandom,
    recognise,
  };
});
