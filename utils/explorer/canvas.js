// Canvas of the decision-boundary explorer (utils/explorer/canvas.py, class ExplorerCanvas).
//
// The kernel sends the network's output on a grid as uint8 bytes (a binary buffer), the points
// as float32 (u, v, flags) and the cost history as float32 (epoch, train, test). Everything is
// coloured and drawn here; redraws are coalesced with requestAnimationFrame. While training,
// the view tells the kernel after drawing each frame (`{event: "drawn", frame}`), which paces
// training to the screen. After each draw it writes data-frame, data-epoch, data-drawn-at and
// data-grid-bytes on its element (class explorer-canvas), and data-received-at when a change
// arrives: the signals tests and the benchmark wait on.

const SIZE = 320; // CSS pixels of the boundary picture
const CURVE_H = 70; // CSS pixels of the cost curves

// The class colours come from the kernel (class_colours, region_colours and region_alpha:
// those of utils/plotting.py), so a class has the same colour here as in the static plots.
const MID = [255, 255, 255]; // probability 0.5: no class, so no colour
const WHITE = [255, 255, 255];

function mix(a, b, t) {
  return [0, 1, 2].map((i) => a[i] + (b[i] - a[i]) * t);
}

function rgbOf(hex) {
  const h = String(hex).replace("#", "");
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function makeLut(regions, alpha, discrete) {
  // 256 RGBA entries: probability i / 255 of class 1 -> the region colour drawn with opacity
  // alpha over white (as matplotlib draws the regions), fading to white at 0.5 unless
  // discrete.
  const [c0, c1] = regions.map((c) => mix(WHITE, c, alpha));
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    const p = i / 255;
    let c;
    if (discrete) c = p >= 0.5 ? c1 : c0;
    else c = p < 0.5 ? mix(c0, MID, p / 0.5) : mix(MID, c1, (p - 0.5) / 0.5);
    lut.set([Math.round(c[0]), Math.round(c[1]), Math.round(c[2]), 255], i * 4);
  }
  return lut;
}

function bytesOf(v) {
  if (!v) return new Uint8Array(0);
  if (v instanceof DataView) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return new Uint8Array(0);
}

function floatsOf(v) {
  let u = bytesOf(v);
  if (u.byteOffset % 4 !== 0) u = u.slice();
  return new Float32Array(u.buffer, u.byteOffset, Math.floor(u.byteLength / 4));
}

function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "\u2013";
  return x.toFixed(3);
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function setupCanvas(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.width = w + "px";
  canvas.style.height = h + "px";
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}

function render({ model, el: host }) {
  const root = el("div", "explorer-canvas", host);
  const header = el("div", "explorer-header", root);
  const epochEl = el("span", "explorer-epoch", header);
  const valuesEl = el("span", "explorer-values", header);
  const stage = el("div", "explorer-stage", root);
  const main = el("canvas", "explorer-main", stage);
  const message = el("div", "explorer-message", stage);
  const axes = el("div", "explorer-axes", root);
  const curve = el("canvas", "explorer-curve", root);
  const legend = el("div", "explorer-legend", root);
  const ctx = setupCanvas(main, SIZE, SIZE);
  const cctx = setupCanvas(curve, SIZE, CURVE_H);

  const heat = document.createElement("canvas"); // grid_size x grid_size, scaled up smoothly
  const hctx = heat.getContext("2d");
  let image = null;
  let palette = null; // { key, points, smooth, discrete }, rebuilt when the colours change

  function colours() {
    const points = model.get("class_colours") || ["#2166ac", "#b2182b"];
    const regions = model.get("region_colours") || points;
    const alpha = model.get("region_alpha") ?? 0.6;
    const key = JSON.stringify([points, regions, alpha]);
    if (!palette || palette.key !== key) {
      const rgb = regions.map(rgbOf);
      palette = {
        key,
        points: points.map(rgbOf),
        smooth: makeLut(rgb, alpha, false),
        discrete: makeLut(rgb, alpha, true),
      };
    }
    return palette;
  }
  let pending = false;
  let lastDrawn = -1;

  function drawBoundary() {
    const g = model.get("grid_size");
    const grid = bytesOf(model.get("grid"));
    ctx.clearRect(0, 0, SIZE, SIZE);
    if (g > 0 && grid.length === g * g) {
      if (!image || image.width !== g) {
        heat.width = g;
        heat.height = g;
        image = hctx.createImageData(g, g);
      }
      const pal = colours();
      const lut = model.get("discretize") ? pal.discrete : pal.smooth;
      const px = image.data;
      for (let i = 0, j = 0; i < grid.length; i++, j += 4) {
        const k = grid[i] * 4;
        px[j] = lut[k];
        px[j + 1] = lut[k + 1];
        px[j + 2] = lut[k + 2];
        px[j + 3] = 255;
      }
      hctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(heat, 0, 0, SIZE, SIZE);
    } else {
      ctx.fillStyle = "rgb(240, 240, 240)";
      ctx.fillRect(0, 0, SIZE, SIZE);
    }
    // Axes through the origin when it is inside the box.
    const [x0, x1, y0, y1] = model.get("domain");
    ctx.strokeStyle = "rgba(0, 0, 0, 0.15)";
    ctx.lineWidth = 1;
    if (x0 < 0 && x1 > 0) {
      const u = ((0 - x0) / (x1 - x0)) * SIZE;
      ctx.beginPath();
      ctx.moveTo(u, 0);
      ctx.lineTo(u, SIZE);
      ctx.stroke();
    }
    if (y0 < 0 && y1 > 0) {
      const v = ((y1 - 0) / (y1 - y0)) * SIZE;
      ctx.beginPath();
      ctx.moveTo(0, v);
      ctx.lineTo(SIZE, v);
      ctx.stroke();
    }
    // Points: training points with a white ring, test points with a black ring.
    const pts = floatsOf(model.get("points"));
    const showTest = model.get("show_test");
    for (let i = 0; i + 2 < pts.length; i += 3) {
      const flags = pts[i + 2];
      const isTest = flags >= 2;
      if (isTest && !showTest) continue;
      const label = flags - (isTest ? 2 : 0);
      const c = colours().points[label >= 0.5 ? 1 : 0];
      ctx.beginPath();
      ctx.arc(pts[i] * SIZE, pts[i + 1] * SIZE, 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = isTest ? "black" : "white";
      ctx.stroke();
    }
    axes.textContent =
      `x\u2081 ${x0.toFixed(1)} \u2026 ${x1.toFixed(1)}   ` +
      `x\u2082 ${y0.toFixed(1)} \u2026 ${y1.toFixed(1)}`;
  }

  function drawCurves() {
    const h = floatsOf(model.get("history"));
    cctx.clearRect(0, 0, SIZE, CURVE_H);
    cctx.fillStyle = "rgb(248, 248, 248)";
    cctx.fillRect(0, 0, SIZE, CURVE_H);
    const n = Math.floor(h.length / 3);
    if (n < 1) return;
    const e0 = h[0];
    const e1 = Math.max(h[3 * (n - 1)], e0 + 1);
    let top = 0;
    for (let i = 0; i < n; i++) {
      for (const k of [1, 2]) {
        const y = h[3 * i + k];
        if (Number.isFinite(y) && y > top) top = y;
      }
    }
    top = top > 0 ? top * 1.05 : 1;
    const pad = 3;
    const xOf = (e) => pad + ((e - e0) / (e1 - e0)) * (SIZE - 2 * pad);
    const yOf = (y) => CURVE_H - pad - (y / top) * (CURVE_H - 2 * pad);
    for (const [k, colour] of [
      [1, "rgb(150, 150, 150)"],
      [2, "black"],
    ]) {
      cctx.beginPath();
      for (let i = 0; i < n; i++) {
        const x = xOf(h[3 * i]);
        const y = yOf(h[3 * i + k]);
        if (i === 0) cctx.moveTo(x, y);
        else cctx.lineTo(x, y);
      }
      cctx.strokeStyle = colour;
      cctx.lineWidth = 1.5;
      cctx.stroke();
    }
  }

  function draw() {
    pending = false;
    drawBoundary();
    drawCurves();
    const epoch = model.get("epoch");
    const metric = model.get("metric");
    epochEl.textContent = "Epoch " + epoch.toLocaleString("en-US", { minimumIntegerDigits: 6 });
    valuesEl.textContent =
      `test ${fmt(model.get("test_value"))} \u00b7 ` + `training ${fmt(model.get("train_value"))}`;
    valuesEl.title = `${metric} on the test and the training set`;
    legend.innerHTML =
      `<span class="explorer-key-train"></span>training ${metric} ` +
      `<span class="explorer-key-test"></span>test ${metric}`;
    const msg = model.get("message");
    message.textContent = msg;
    message.style.display = msg ? "flex" : "none";
    root.classList.toggle("explorer-playing", !!model.get("playing"));
    const frame = model.get("frame");
    root.dataset.frame = String(frame);
    root.dataset.epoch = String(epoch);
    root.dataset.drawnAt = String(performance.now());
    root.dataset.gridBytes = String(bytesOf(model.get("grid")).length);
    if (frame !== lastDrawn) {
      lastDrawn = frame;
      if (!model.get("playing")) return; // the kernel paces only training on these
      try {
        model.send({ event: "drawn", frame });
      } catch (err) {
        // no kernel (a saved notebook reopened): nothing to tell
      }
    }
  }

  function schedule() {
    if (pending) return;
    pending = true;
    root.dataset.receivedAt = String(performance.now());
    requestAnimationFrame(draw);
  }

  model.on("change", schedule);

  draw();
  return () => model.off("change", schedule);
}

export default { render };
