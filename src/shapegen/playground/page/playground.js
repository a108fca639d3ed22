/* The playground page: pick a model, draw a grid of shapes, complete the points a person
 * gives, and watch one shape drawn move by move. The models are shapegen.js's; their
 * weights are models.js's (written by the playground stage). */
(function () {
  "use strict";
  const payload = window.shapegenModels;
  const constants = payload.constants;
  const loaded = {};
  const COMPLETIONS = 12;
  const VIEW = [-0.1, 1.1]; // the unit square with a margin, as the PNG figures show it
  const CORNERS = ["BL", "BR", "TR", "TL"];
  const $ = (id) => document.getElementById(id);
  const ui = {
    variant: $("variant"), description: $("description"), family: $("family"),
    familyLabel: $("family-label"), temperature: $("temperature"),
    temperatureValue: $("temperature-value"), seed: $("seed"), count: $("count"),
    draw: $("draw"), status: $("status"), canvas: $("canvas"), given: $("given"),
    givenNote: $("given-note"), complete: $("complete"), clear: $("clear"),
    stepCanvas: $("step-canvas"), stepStart: $("step-start"), stepNext: $("step-next"),
    stepLog: $("step-log"), stepSummary: $("step-summary"), grid: $("grid"),
    completionCount: $("completion-count"), completionNote: $("completion-note"),
  };
  let given = [];
  let completions = [];
  let completionView = VIEW;
  let stepping = null;
  let stepped = 0; // shapes stepped through since the seed or model changed

  function model() {
    const name = ui.variant.value;
    if (!loaded[name]) loaded[name] = shapegen.loadModel(name, payload.models[name], constants);
    return loaded[name];
  }

  function temperature() {
    return Math.pow(10, Number(ui.temperature.value));
  }

  /** The seed as a whole number >= 0, written back into its field if it was not one. */
  function seed() {
    let value = Math.floor(Number(ui.seed.value));
    if (!Number.isFinite(value) || value < 0) value = 0;
    if (ui.seed.value !== String(value)) ui.seed.value = String(value);
    return value;
  }

  function family() {
    return model().conditional ? constants.families.indexOf(ui.family.value) : null;
  }

  // --- drawing on a canvas ------------------------------------------------------------------

  function prepare(canvas, view) {
    const ratio = window.devicePixelRatio || 1;
    const size = canvas.clientWidth || canvas.width;
    if (canvas.width !== Math.round(size * ratio)) {
      canvas.width = Math.round(size * ratio);
      canvas.height = Math.round(size * ratio);
    }
    const context = canvas.getContext("2d");
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    const scale = canvas.width / (view[1] - view[0]);
    const toPixel = ([x, y]) => [(x - view[0]) * scale, canvas.height - (y - view[0]) * scale];
    context.strokeStyle = "#cfd8dc";
    context.lineWidth = Math.max(1, ratio);
    const corner = toPixel([0, 1]);
    context.strokeRect(corner[0], corner[1], scale, scale);
    return { context, toPixel, ratio };
  }

  function path(context, toPixel, points, closed) {
    context.beginPath();
    points.forEach((point, i) => {
      const [x, y] = toPixel(point);
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    if (closed) context.closePath();
  }

  function drawShape(surface, points, style) {
    if (!points.length) return;
    const { context, toPixel, ratio } = surface;
    path(context, toPixel, points, style.closed !== false);
    if (style.fill) {
      context.fillStyle = style.fill;
      context.fill();
    }
    context.strokeStyle = style.stroke;
    context.globalAlpha = style.alpha || 1;
    context.lineWidth = (style.width || 1.5) * ratio;
    context.stroke();
    context.globalAlpha = 1;
  }

  function drawDots(surface, points, colour, radius) {
    const { context, toPixel, ratio } = surface;
    context.fillStyle = colour;
    for (const point of points) {
      const [x, y] = toPixel(point);
      context.beginPath();
      context.arc(x, y, radius * ratio, 0, 2 * Math.PI);
      context.fill();
    }
  }

  function drawGiven(surface, points) {
    drawShape(surface, points, { stroke: "#c62828", width: 2.5, closed: false });
    drawDots(surface, points, "#c62828", 4);
  }

  /** The smallest view holding the unit square's margin and every point: nothing is cut. */
  function viewOf(points) {
    let low = VIEW[0];
    let high = VIEW[1];
    for (const [x, y] of points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      low = Math.min(low, x - 0.05, y - 0.05);
      high = Math.max(high, x + 0.05, y + 0.05);
    }
    return [low, high];
  }

  // --- what a shape is ----------------------------------------------------------------------

  function label(points) {
    if (model().data === "rectangles") {
      const width = (points[1][0] + points[2][0]) / 2;
      const height = (points[2][1] + points[3][1]) / 2;
      return { text: `w=${width.toFixed(2)} h=${height.toFixed(2)}`, invalid: false };
    }
    const found = shapegen.recognise(points, constants);
    if (found.family === "invalid") {
      const limit = constants.fit_tolerance;
      const why = Number.isFinite(found.error)
        ? `fit ${found.error.toFixed(3)} > ${limit}`
        : "wrong number of points";
      return { text: `invalid (${why})`, invalid: true };
    }
    const p = found.parameters;
    const sizes = `w=${p.width?.toFixed(2)} h=${p.height?.toFixed(2)}`;
    const detail =
      found.family === "regular_polygon"
        ? `${p.sides} sides, r=${p.radius.toFixed(2)}`
        : found.family === "rotated_rectangle"
          ? `${sizes}, turned ${Math.round((p.angle * 180) / Math.PI)}°`
          : sizes;
    return { text: `${found.family}\n${detail}`, invalid: false };
  }

  // --- the grid -------------------------------------------------------------------------------

  function drawGrid() {
    const n = Number(ui.count.value);
    const random = shapegen.seededRandom(seed());
    const start = performance.now();
    const shapes = shapegen.complete(model(), [], n, { random, temperature: temperature(), family: family() });
    const elapsed = performance.now() - start;
    ui.grid.replaceChildren();
    shapes.forEach((points) => {
      const figure = document.createElement("figure");
      figure.className = "cell";
      const canvas = document.createElement("canvas");
      canvas.width = 120;
      canvas.height = 120;
      canvas.setAttribute("role", "img");
      const caption = document.createElement("figcaption");
      const what = label(points);
      caption.textContent = what.text;
      canvas.setAttribute("aria-label", what.text.replace("\n", ": "));
      if (what.invalid) figure.classList.add("invalid");
      figure.append(canvas, caption);
      ui.grid.append(figure);
      const surface = prepare(canvas, viewOf(points));
      drawShape(surface, points, { fill: "rgba(21, 101, 192, 0.35)", stroke: "#0d47a1" });
    });
    ui.status.textContent = `Drew ${n} shapes in ${elapsed.toFixed(0)} ms (seed ${seed()}, temperature ${temperatureText()}).`;
    ui.status.dataset.drawMs = elapsed.toFixed(1);
  }

  function temperatureText() {
    const t = temperature();
    return t >= 0.1 ? t.toFixed(2).replace(/\.?0+$/, "") : t.toExponential(0);
  }

  // --- completing given points ------------------------------------------------------------------

  function rectangles() {
    return model().data === "rectangles";
  }

  function maxGiven() {
    return rectangles() ? constants.rectangle_corners : constants.max_points;
  }

  /** The given points, checked as `shapegen sample --given` checks them. */
  function setGiven(points) {
    const notes = [];
    let kept = points.filter(([x, y]) => {
      const inside = Number.isFinite(x) && Number.isFinite(y) && x >= 0 && x <= 1 && y >= 0 && y <= 1;
      if (!inside) notes.push(`(${x}, ${y}) lies outside the unit square; expected 0 <= x, y <= 1.`);
      return inside;
    });
    if (rectangles()) {
      // Every training rectangle's BL is the origin: from elsewhere this model draws no rectangle.
      if (!kept.length || kept[0][0] !== 0 || kept[0][1] !== 0) kept = [[0, 0], ...kept];
      notes.push("A rectangle of this model starts at the origin (every training rectangle's BL is 0,0), so 0,0 is its first point.");
    }
    if (kept.length > maxGiven()) {
      notes.push(`This model may be given at most ${maxGiven()} points.`);
      kept = kept.slice(0, maxGiven());
    }
    if (rectangles() && kept.length < constants.rectangle_corners) {
      notes.push(`A click gives the next corner, ${CORNERS[kept.length]}; the corners go BL, BR, TR, TL, counter-clockwise.`);
    }
    given = kept;
    ui.given.value = given.map(([x, y]) => `${round(x)},${round(y)}`).join("; ");
    ui.givenNote.textContent = notes.join(" ");
    ui.givenNote.classList.toggle("error", notes.some((note) => note.includes("outside") || note.includes("at most")));
    completions = [];
    completionView = VIEW;
    ui.completionNote.textContent = "";
    drawCanvas();
  }

  function round(value) {
    return Number(value.toFixed(3));
  }

  /** {points, error}: the typed points, or the first pair that is not two numbers. */
  function parseGiven(text) {
    const points = [];
    for (const pair of text.split(";").map((part) => part.trim()).filter((part) => part)) {
      const values = pair.split(",").map((value) => value.trim());
      const numbers = values.map(Number);
      if (values.length !== 2 || values.some((v) => v === "") || numbers.some((v) => !Number.isFinite(v))) {
        return { points, error: `Could not read "${pair}": write each point as x,y, points separated by ; (e.g. 0.2,0.1; 0.5,0.1).` };
      }
      points.push(numbers);
    }
    return { points, error: null };
  }

  function completeGiven() {
    const typed = parseGiven(ui.given.value);
    if (typed.error) return showError(typed.error);
    setGiven(typed.points);
    const random = shapegen.seededRandom(seed());
    completions = shapegen.complete(model(), given, COMPLETIONS, { random, temperature: temperature(), family: family() });
    completionView = viewOf(completions.flat());
    const counts = {};
    for (const points of completions) {
      const name = label(points).text.split(/[\n ]/)[0];
      counts[name] = (counts[name] || 0) + 1;
    }
    ui.completionNote.textContent = rectangles()
      ? ""
      : `The ${COMPLETIONS} completions, as the recogniser sees them (the given points count): ` +
        `${Object.entries(counts).map(([name, n]) => `${n} ${name}`).join(", ")}.`;
    drawCanvas();
  }

  function showError(message) {
    ui.givenNote.textContent = message;
    ui.givenNote.classList.add("error");
  }

  function drawCanvas() {
    const surface = prepare(ui.canvas, completionView);
    for (const points of completions) drawShape(surface, points, { stroke: "#1565c0", alpha: 0.35 });
    drawGiven(surface, given);
  }

  function clickPoint(event) {
    const box = ui.canvas.getBoundingClientRect();
    const view = completionView;
    const scale = (view[1] - view[0]) / box.width;
    const x = view[0] + (event.clientX - box.left) * scale;
    const y = view[1] - (event.clientY - box.top) * scale;
    const clamp = (v) => round(Math.min(1, Math.max(0, v)));
    // The points typed so far count too, whether or not Enter was pressed.
    const typed = parseGiven(ui.given.value);
    setGiven([...(typed.error ? given : typed.points), [clamp(x), clamp(y)]]);
  }

  // --- one shape, move by move ----------------------------------------------------------------

  /** One shape of the model, drawn again move by move: each press of "New shape" draws
   * the next shape of the seed. */
  function startStepping() {
    const random = shapegen.seededRandom(seed() * 1000 + stepped);
    stepped += 1;
    const m = model();
    const moves = [];
    const place = (point) => `(${point[0].toFixed(2)}, ${point[1].toFixed(2)})`;
    let shape;
    if (m.data === "rectangles") {
      [shape] = shapegen.complete(m, [], 1, { random, temperature: temperature() });
      shape.forEach((point, i) =>
        moves.push({ text: `${CORNERS[i]} at ${place(point)}${i === 0 ? " (every rectangle starts here)" : ""}`, points: i + 1 })
      );
    } else {
      let drawn = 0;
      const onStep = (step, decisions) => {
        const d = decisions[0];
        const end = `P(END) ${d.endProbability.toFixed(3)}`;
        if (d.end) moves.push({ text: `END drawn: the shape stops (${end})`, points: drawn });
        else {
          drawn += 1;
          moves.push({ text: `point ${drawn} at POINT, bins (${d.code[0]}, ${d.code[1]}) (${end})`, points: drawn });
        }
      };
      [shape] = shapegen.complete(m, [], 1, { random, temperature: temperature(), family: family(), onStep });
      for (const move of moves) move.text = move.text.replace("POINT", place(shape[move.points - 1] || [0, 0]));
    }
    stepping = { shape, moves, shown: 0 };
    ui.stepLog.replaceChildren();
    ui.stepSummary.textContent = "";
    ui.stepNext.disabled = false;
    nextMove();
  }

  function nextMove() {
    if (!stepping) return startStepping();
    if (stepping.shown >= stepping.moves.length) return;
    const move = stepping.moves[stepping.shown++];
    const item = document.createElement("li");
    item.textContent = move.text;
    ui.stepLog.append(item);
    ui.stepLog.scrollTop = ui.stepLog.scrollHeight; // the log scrolls, not the page
    const points = stepping.shape.slice(0, move.points);
    const surface = prepare(ui.stepCanvas, viewOf(stepping.shape));
    const finished = stepping.shown === stepping.moves.length;
    drawShape(surface, points, { stroke: "#0d47a1", closed: finished, fill: finished ? "rgba(21, 101, 192, 0.35)" : null });
    drawDots(surface, points, "#0d47a1", 3);
    if (finished) {
      const what = label(stepping.shape).text.replace("\n", ", ");
      const ended = model().data === "shapes" && !move.text.startsWith("END")
        ? ` (no END: ${stepping.shape.length} points is the most a shape may have)`
        : "";
      ui.stepSummary.textContent = `Drawn: ${what}${ended}.`;
      if (document.activeElement === ui.stepNext) ui.stepStart.focus();
    }
    ui.stepNext.disabled = finished;
  }

  // --- wiring ---------------------------------------------------------------------------------

  /** A new temperature, seed or family: every panel draws again with it. */
  function settingsChanged() {
    stepped = 0;
    drawGrid();
    if (completions.length) completeGiven();
    startStepping();
  }

  function chooseVariant() {
    const entry = payload.models[ui.variant.value];
    const fixed = entry.head === "point" ? " It is deterministic: the seed and the temperature change nothing." : "";
    ui.description.textContent = entry.description + "." + fixed;
    ui.familyLabel.hidden = !entry.conditional;
    stepping = null;
    stepped = 0;
    ui.stepLog.replaceChildren();
    setGiven(rectangles() ? [[0, 0]] : []);
    drawGrid();
    startStepping();
  }

  for (const name of Object.keys(payload.models)) ui.variant.add(new Option(name, name));
  // A model that draws many kinds of shape first; the chapter's one rectangle is a choice away.
  if (payload.models.families) ui.variant.value = "families";
  if (window.matchMedia("(max-width: 40rem)").matches) ui.count.value = "16";
  for (const name of constants.families) ui.family.add(new Option(name, name));
  ui.completionCount.textContent = String(COMPLETIONS);
  const showTemperature = () => (ui.temperatureValue.textContent = temperatureText());
  ui.temperature.addEventListener("input", showTemperature);
  ui.temperature.addEventListener("change", settingsChanged);
  ui.variant.addEventListener("change", chooseVariant);
  ui.family.addEventListener("change", settingsChanged);
  ui.seed.addEventListener("change", settingsChanged);
  ui.count.addEventListener("change", drawGrid);
  ui.draw.addEventListener("click", () => {
    ui.seed.value = String(seed() + 1);
    settingsChanged();
  });
  ui.complete.addEventListener("click", completeGiven);
  ui.clear.addEventListener("click", () => setGiven([]));
  ui.given.addEventListener("keydown", (event) => {
    if (event.key === "Enter") completeGiven();
  });
  ui.canvas.addEventListener("pointerdown", clickPoint);
  ui.stepStart.addEventListener("click", startStepping);
  ui.stepNext.addEventListener("click", nextMove);
  window.addEventListener("resize", drawCanvas);
  showTemperature();
  chooseVariant();
  // What a test may read of the page's state (tests/playground/browser.mjs).
  window.shapegenPlayground = { completions: () => completions.slice(), given: () => given.slice() };
})();
