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
    stepLog: $("step-log"), grid: $("grid"), completionCount: $("completion-count"),
  };
  let given = [];
  let completions = [];
  let stepping = null;

  function model() {
    const name = ui.variant.value;
    if (!loaded[name]) loaded[name] = shapegen.loadModel(name, payload.models[name], constants);
    return loaded[name];
  }

  function temperature() {
    return Math.pow(10, Number(ui.temperature.value));
  }

  function seed() {
    const value = Math.floor(Number(ui.seed.value));
    return Number.isFinite(value) && value >= 0 ? value : 0;
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

  function drawGiven(surface, points) {
    const { context, toPixel, ratio } = surface;
    drawShape(surface, points, { stroke: "#c62828", width: 2.5, closed: false });
    context.fillStyle = "#c62828";
    for (const point of points) {
      const [x, y] = toPixel(point);
      context.beginPath();
      context.arc(x, y, 4 * ratio, 0, 2 * Math.PI);
      context.fill();
    }
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
      const why = Number.isFinite(found.error) ? `fit ${found.error.toFixed(3)}` : "wrong number of points";
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
      if (!kept.length || kept[0][0] !== 0 || kept[0][1] !== 0) {
        kept = [[0, 0], ...kept];
        notes.push("A rectangle of this model starts at the origin (every training rectangle's BL is 0,0), so 0,0 is its first point.");
      }
    }
    if (kept.length > maxGiven()) {
      notes.push(`This model may be given at most ${maxGiven()} points.`);
      kept = kept.slice(0, maxGiven());
    }
    given = kept;
    ui.given.value = given.map(([x, y]) => `${round(x)},${round(y)}`).join("; ");
    ui.givenNote.textContent = notes.join(" ");
    completions = [];
    drawCanvas();
  }

  function round(value) {
    return Number(value.toFixed(3));
  }

  function parseGiven(text) {
    return text
      .split(";")
      .map((pair) => pair.trim())
      .filter((pair) => pair)
      .map((pair) => pair.split(",").map((value) => Number(value.trim())));
  }

  function completeGiven() {
    setGiven(parseGiven(ui.given.value));
    const random = shapegen.seededRandom(seed());
    completions = shapegen.complete(model(), given, COMPLETIONS, { random, temperature: temperature(), family: family() });
    drawCanvas();
  }

  function drawCanvas() {
    const surface = prepare(ui.canvas, VIEW);
    for (const points of completions) drawShape(surface, points, { stroke: "#1565c0", alpha: 0.35 });
    drawGiven(surface, given);
  }

  function clickPoint(event) {
    const box = ui.canvas.getBoundingClientRect();
    const scale = (VIEW[1] - VIEW[0]) / box.width;
    const x = VIEW[0] + (event.clientX - box.left) * scale;
    const y = VIEW[1] - (event.clientY - box.top) * scale;
    const clamp = (v) => round(Math.min(1, Math.max(0, v)));
    setGiven([...given, [clamp(x), clamp(y)]]);
  }

  // --- one shape, move by move ----------------------------------------------------------------

  function startStepping() {
    const random = shapegen.seededRandom(seed());
    const m = model();
    const moves = [];
    let shape;
    if (m.data === "rectangles") {
      [shape] = shapegen.complete(m, [], 1, { random, temperature: temperature() });
      shape.forEach((point, i) => moves.push({ text: `${CORNERS[i]} at (${round(point[0])}, ${round(point[1])})${i === 0 ? ", given" : ""}`, points: i + 1 }));
    } else {
      let drawn = 0;
      const onStep = (step, decisions) => {
        const d = decisions[0];
        const end = `P(END) ${d.endProbability === undefined ? "-" : d.endProbability.toFixed(3)}`;
        if (d.end) moves.push({ text: `END: the shape stops at ${drawn} points (${end})`, points: drawn });
        else {
          drawn += 1;
          moves.push({ text: `move ${step + 1}: bins (${d.code[0]}, ${d.code[1]}) (${end})`, points: drawn });
        }
      };
      [shape] = shapegen.complete(m, [], 1, { random, temperature: temperature(), family: family(), onStep });
      if (moves.length && !moves[moves.length - 1].text.startsWith("END")) {
        moves.push({ text: `no END: the shape has the most points a shape may have (${shape.length})`, points: shape.length });
      }
    }
    stepping = { shape, moves, shown: 0 };
    ui.stepLog.replaceChildren();
    nextMove();
  }

  function nextMove() {
    if (!stepping) return startStepping();
    if (stepping.shown >= stepping.moves.length) return;
    const move = stepping.moves[stepping.shown++];
    const item = document.createElement("li");
    item.textContent = move.text;
    ui.stepLog.append(item);
    item.scrollIntoView({ block: "nearest" });
    const points = stepping.shape.slice(0, move.points);
    const surface = prepare(ui.stepCanvas, viewOf(stepping.shape));
    const finished = stepping.shown === stepping.moves.length;
    drawShape(surface, points, { stroke: "#0d47a1", closed: finished, fill: finished ? "rgba(21, 101, 192, 0.35)" : null });
    const { context, toPixel, ratio } = surface;
    context.fillStyle = "#0d47a1";
    for (const point of points) {
      const [x, y] = toPixel(point);
      context.beginPath();
      context.arc(x, y, 3 * ratio, 0, 2 * Math.PI);
      context.fill();
    }
    if (finished) {
      const what = label(stepping.shape);
      const item = document.createElement("li");
      item.textContent = `drawn: ${what.text.replace("\n", ", ")}`;
      ui.stepLog.append(item);
    }
    ui.stepNext.disabled = finished;
  }

  // --- wiring ---------------------------------------------------------------------------------

  function chooseVariant() {
    const entry = payload.models[ui.variant.value];
    ui.description.textContent = entry.description;
    ui.familyLabel.hidden = !entry.conditional;
    stepping = null;
    ui.stepLog.replaceChildren();
    setGiven(rectangles() ? [[0, 0]] : []);
    drawGrid();
    startStepping();
  }

  for (const name of Object.keys(payload.models)) ui.variant.add(new Option(name, name));
  for (const name of constants.families) ui.family.add(new Option(name, name));
  ui.completionCount.textContent = String(COMPLETIONS);
  const showTemperature = () => (ui.temperatureValue.textContent = temperatureText());
  ui.temperature.addEventListener("input", showTemperature);
  ui.temperature.addEventListener("change", drawGrid);
  ui.variant.addEventListener("change", chooseVariant);
  ui.family.addEventListener("change", drawGrid);
  ui.seed.addEventListener("change", drawGrid);
  ui.count.addEventListener("change", drawGrid);
  ui.draw.addEventListener("click", drawGrid);
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
})();
