// What the Python tests ask of the page's script, in Node: a JSON request on stdin, a
// JSON answer on stdout. {constants, models, calls: [{fn, model, args}]}; each call runs
// shapegen.<fn>(loaded model, ...args) where a model is named, else shapegen.<fn>(...args).
"use strict";
const path = require("path");
const shapegen = require(path.resolve(process.argv[2]));

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const loaded = {};
  const model = (name) =>
    (loaded[name] ??= shapegen.loadModel(name, request.models[name], request.constants));
  const answers = request.calls.map((call) => {
    const args = call.args.map((arg) => (arg && arg.random !== undefined ? randomOptions(arg) : arg));
    const start = process.hrtime.bigint();
    const value = call.model ? shapegen[call.fn](model(call.model), ...args) : shapegen[call.fn](...args);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    return { value: plain(value), ms };
  });
  process.stdout.write(JSON.stringify(answers));
});

// {random: seed, ...} becomes the options object with a seeded generator.
function randomOptions(options) {
  return Object.assign({}, options, { random: shapegen.seededRandom(options.random) });
}

function plain(value) {
  if (ArrayBuffer.isView(value)) return Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value === Infinity ? "Infinity" : value;
}
