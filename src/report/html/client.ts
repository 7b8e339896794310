/**
 * The report's inline script (plain browser JavaScript, kept as a string; no template
 * substitutions). It only ever writes user data with textContent / title, never innerHTML.
 *
 * - filters: runner checkboxes hide matrix columns; status / convention / file selects and the
 *   case-id text box hide matrix rows and the matching case sections;
 * - large reports (#matrix-meta / #matrix-data): the matrix rows are built from that data, one
 *   page at a time, after filtering the data (cells link only to cases that have a section);
 * - heatmaps: `.pictures[data-case][data-variant]` hosts are drawn when first visible (and open),
 *   from the case's `<script type="application/json" id="data-<anchor>">` block.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var doc = document;
  function all(selector, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(selector)); }
  function el(tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ------------------------------------------------------------------ filters
  var FAILING = { 'mismatch': 1, 'error': 1, 'crashed': 1, 'timeout': 1, 'unexpected-pass': 1 };
  function statusMatches(wanted, status) {
    if (wanted === 'all') return true;
    if (wanted === 'failing') return FAILING[status] === 1;
    if (wanted === 'not-pass') return status !== 'pass';
    if (wanted === 'expected') return status.indexOf('expected-') === 0;
    return status === wanted;
  }
  var rows = all('#matrix tbody tr');
  var runnerBoxes = all('#filters input[name=runner]');
  var statusSelect = doc.getElementById('f-status');
  var convSelect = doc.getElementById('f-conv');
  var fileSelect = doc.getElementById('f-file');
  var textBox = doc.getElementById('f-text');
  var countLabel = doc.getElementById('f-count');
  var sections = {};
  function collectSections() {
    sections = {};
    all('section.case').forEach(function (section) { sections[section.id] = section; });
  }
  collectSections();
  // In large reports the script comes before the case sections (the matrix works while they
  // parse): what concerns the sections runs again, or first, once the document is parsed.
  function whenParsed(action) {
    if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', action);
    else action();
  }

  // Large reports: the matrix is data (#matrix-data), drawn one page of rows at a time.
  var metaNode = doc.getElementById('matrix-meta');
  var paged = null;
  if (metaNode) {
    paged = { meta: JSON.parse(metaNode.textContent), rows: JSON.parse(doc.getElementById('matrix-data').textContent), shown: [], page: 0, size: 200 };
  }
  function pagedRowElement(row) {
    var meta = paged.meta, tr = el('tr');
    tr.setAttribute('data-id', row[0]);
    tr.setAttribute('data-conv', meta.conventions[row[1]]);
    tr.setAttribute('data-file', meta.files[row[2]]);
    if (row[3]) tr.setAttribute('data-anchor', row[3]);
    var head = el('td', 'case');
    var name = row[3] ? el('a', '', row[0]) : el('span', '', row[0]);
    if (row[3]) name.setAttribute('href', '#' + row[3]);
    head.appendChild(name);
    head.appendChild(el('span', 'conv', meta.conventions[row[1]]));
    tr.appendChild(head);
    for (var k = 0; k < meta.columns.length; k++) {
      var column = meta.columns[k], code = row[4].charAt(k);
      var td = el('td', 'st-cell' + (k === 0 || meta.columns[k - 1].runner !== column.runner ? ' g0' : ''));
      td.setAttribute('data-runner', column.runner);
      if (code === '.') { td.appendChild(el('span', 'note', '\u00b7')); tr.appendChild(td); continue; }
      var status = meta.statuses[code.charCodeAt(0) - 97];
      td.setAttribute('data-status', status);
      td.title = row[5][k] || status;
      var badge = el('span', 'st s-' + status, meta.short[status] || status);
      if (row[3]) {
        var link = el('a');
        link.setAttribute('href', '#' + row[3] + '~' + column.fragment);
        link.appendChild(badge);
        td.appendChild(link);
      } else td.appendChild(badge);
      tr.appendChild(td);
    }
    return tr;
  }
  function pagedRowMatches(row, runners, wanted) {
    if (wanted === 'all') return true;
    for (var k = 0; k < paged.meta.columns.length; k++) {
      var code = row[4].charAt(k);
      if (code === '.' || runners[paged.meta.columns[k].runner] === false) continue;
      if (statusMatches(wanted, paged.meta.statuses[code.charCodeAt(0) - 97])) return true;
    }
    return false;
  }
  function drawPage() {
    var body = doc.querySelector('#matrix tbody'), pages = Math.max(1, Math.ceil(paged.shown.length / paged.size));
    paged.page = Math.min(Math.max(0, paged.page), pages - 1);
    var fragment = doc.createDocumentFragment(), from = paged.page * paged.size;
    paged.shown.slice(from, from + paged.size).forEach(function (index) { fragment.appendChild(pagedRowElement(paged.rows[index])); });
    body.textContent = '';
    body.appendChild(fragment);
    var info = doc.getElementById('pg-info');
    if (info) info.textContent = paged.shown.length ? 'rows ' + (from + 1) + '-' + Math.min(from + paged.size, paged.shown.length) + ' of ' + paged.shown.length + ' (page ' + (paged.page + 1) + ' of ' + pages + ', failing cases first)' : 'no rows';
  }
  function toggleColumns(runners) {
    all('#matrix [data-runner]').forEach(function (cell) { cell.classList.toggle('off', runners[cell.getAttribute('data-runner')] === false); });
  }

  function applyFilters() {
    var runners = {};
    runnerBoxes.forEach(function (box) { runners[box.value] = box.checked; });
    var wanted = statusSelect ? statusSelect.value : 'all';
    var conv = convSelect ? convSelect.value : 'all';
    var file = fileSelect ? fileSelect.value : 'all';
    var needle = textBox ? textBox.value.trim().toLowerCase() : '';
    var shown = 0, total = 0;
    if (paged) {
      var meta = paged.meta, visibleAnchors = {};
      paged.shown = [];
      paged.rows.forEach(function (row, index) {
        var visible = (conv === 'all' || meta.conventions[row[1]] === conv) &&
          (file === 'all' || meta.files[row[2]] === file) &&
          (needle === '' || row[0].toLowerCase().indexOf(needle) >= 0) &&
          pagedRowMatches(row, runners, wanted);
        if (visible) { paged.shown.push(index); if (row[3]) visibleAnchors[row[3]] = 1; }
      });
      Object.keys(sections).forEach(function (id) { sections[id].classList.toggle('off', visibleAnchors[id] !== 1); });
      paged.page = 0;
      drawPage();
      shown = paged.shown.length;
      total = paged.rows.length;
    } else {
      rows.forEach(function (row) {
        var visible = (conv === 'all' || row.getAttribute('data-conv') === conv) &&
          (file === 'all' || row.getAttribute('data-file') === file) &&
          (needle === '' || (row.getAttribute('data-id') || '').toLowerCase().indexOf(needle) >= 0);
        if (visible && wanted !== 'all') {
          visible = all('td[data-status]', row).some(function (cell) {
            return runners[cell.getAttribute('data-runner')] !== false && statusMatches(wanted, cell.getAttribute('data-status'));
          });
        }
        row.classList.toggle('off', !visible);
        var section = sections[row.getAttribute('data-anchor')];
        if (section) section.classList.toggle('off', !visible);
        if (visible) shown++;
      });
      total = rows.length;
    }
    toggleColumns(runners);
    if (countLabel) countLabel.textContent = shown + ' of ' + total + ' cases shown';
    // Variants of hidden runners inside the case sections.
    all('.variant[data-runner]').forEach(function (node) { node.classList.toggle('off', runners[node.getAttribute('data-runner')] === false); });
  }
  if (paged) {
    var turn = function (by) { return function () { paged.page += by; drawPage(); toggleColumns(currentRunners()); }; };
    var currentRunners = function () { var runners = {}; runnerBoxes.forEach(function (box) { runners[box.value] = box.checked; }); return runners; };
    var prev = doc.getElementById('pg-prev'), next = doc.getElementById('pg-next');
    if (prev) prev.addEventListener('click', turn(-1));
    if (next) next.addEventListener('click', turn(1));
  }
  [statusSelect, convSelect, fileSelect].forEach(function (control) { if (control) control.addEventListener('change', applyFilters); });
  runnerBoxes.forEach(function (box) { box.addEventListener('change', applyFilters); });
  if (textBox) textBox.addEventListener('input', applyFilters);
  var reset = doc.getElementById('f-reset');
  if (reset) reset.addEventListener('click', function () {
    runnerBoxes.forEach(function (box) { box.checked = true; });
    [statusSelect, convSelect, fileSelect].forEach(function (control) { if (control) control.value = 'all'; });
    if (textBox) textBox.value = '';
    applyFilters();
  });
  applyFilters();

  // Following a link to a case or variant opens its collapsed parts.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && doc.getElementById(id);
    if (!target) return;
    for (var node = target; node; node = node.parentElement) if (node.tagName === 'DETAILS') node.open = true;
    all('details.case-body', target).forEach(function (details) { details.open = true; });
    target.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  whenParsed(function () {
    if (doc.readyState !== 'loading' && paged) { collectSections(); applyFilters(); }
    if (location.hash) reveal();
  });

  // ------------------------------------------------------------------ numbers
  function unpack(packed) {
    var bytes = atob(packed.base64), size = packed.dtype === 'f32' ? 4 : 8;
    var buffer = new ArrayBuffer(bytes.length), raw = new Uint8Array(buffer);
    for (var i = 0; i < bytes.length; i++) raw[i] = bytes.charCodeAt(i);
    var view = new DataView(buffer), values = new Array(bytes.length / size);
    for (var k = 0; k < values.length; k++) values[k] = size === 4 ? view.getFloat32(k * 4, true) : view.getFloat64(k * 8, true);
    return values;
  }
  function fmt(value) {
    if (!isFinite(value)) return String(value);
    if (value === 0) return '0';
    var a = Math.abs(value);
    if (Number.isInteger(value) && a < 1e9) return String(value);
    if (a >= 1e-3 && a < 1e6) return String(Number(value.toPrecision(4)));
    return value.toExponential(3);
  }

  // ------------------------------------------------------------------ colour maps
  var VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37]];
  var HEAT = [[247, 247, 247], [253, 212, 158], [252, 141, 89], [215, 48, 31], [127, 0, 0]];
  function ramp(stops, t) {
    if (!(t >= 0)) t = 0;
    if (t > 1) t = 1;
    var x = t * (stops.length - 1);
    var i = Math.min(Math.floor(x), stops.length - 2);
    var f = x - i, a = stops[i], b = stops[i + 1];
    return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
  }
  function colourOf(value, lo, hi, stops) {
    if (value !== value) return [255, 0, 255];
    if (value === Infinity || value === -Infinity) return [0, 0, 0];
    return ramp(stops, hi > lo ? (value - lo) / (hi - lo) : (stops === HEAT ? 0 : 0.5));
  }

  // ------------------------------------------------------------------ tensor indexing
  var dataCache = {};
  function caseData(anchor) {
    if (!Object.prototype.hasOwnProperty.call(dataCache, anchor)) {
      var node = doc.getElementById('data-' + anchor);
      dataCache[anchor] = node ? JSON.parse(node.textContent) : null;
    }
    return dataCache[anchor];
  }
  function view(data) {
    var shape = data.shape, rank = data.rank, last = data.channelsLast;
    var strides = [], s = 1;
    for (var k = shape.length - 1; k >= 0; k--) { strides[k] = s; s *= shape[k]; }
    var cDim = last ? rank + 1 : 1, first = last ? 1 : 2;
    var sp = [];
    for (var a = 0; a < rank; a++) sp.push(first + a);
    var names = ['D', 'H', 'W'].slice(3 - rank);
    return {
      N: shape[0], C: shape[cDim], rank: rank, names: names,
      D: rank === 3 ? shape[sp[0]] : 1,
      H: rank >= 2 ? shape[sp[rank - 2]] : 1,
      W: shape[sp[rank - 1]],
      index: function (n, c, d, h, w) {
        var i = n * strides[0] + c * strides[cDim] + w * strides[sp[rank - 1]];
        if (rank >= 2) i += h * strides[sp[rank - 2]];
        if (rank === 3) i += d * strides[sp[0]];
        return i;
      },
      label: function (n, c, d, h, w) {
        var parts = ['n=' + n, 'c=' + c];
        if (rank === 3) parts.push('d=' + d);
        if (rank >= 2) parts.push('h=' + h);
        parts.push('w=' + w);
        return '(' + parts.join(', ') + ')';
      }
    };
  }

  // ------------------------------------------------------------------ tooltip
  var tip = el('div');
  tip.id = 'tip';
  tip.setAttribute('role', 'tooltip');
  doc.body.appendChild(tip);
  function showTip(event, text) {
    tip.textContent = text;
    tip.style.display = 'block';
    var x = event.clientX + 14, y = event.clientY + 14;
    var r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 4) x = event.clientX - r.width - 10;
    if (y + r.height > window.innerHeight - 4) y = event.clientY - r.height - 10;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  function hideTip() { tip.style.display = 'none'; }

  // ------------------------------------------------------------------ heatmaps
  var MAX_BATCH = 2, MAX_CHANNELS = 4, GRID_LIMIT = 16;

  function legend(lo, hi, stops) {
    var box = el('div', 'legend');
    var bar = el('canvas');
    bar.width = 90; bar.height = 1;
    var g = bar.getContext('2d'), img = g.createImageData(90, 1);
    for (var x = 0; x < 90; x++) {
      var c = ramp(stops, x / 89);
      img.data[4 * x] = c[0]; img.data[4 * x + 1] = c[1]; img.data[4 * x + 2] = c[2]; img.data[4 * x + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    box.appendChild(el('span', '', fmt(lo)));
    box.appendChild(bar);
    box.appendChild(el('span', '', fmt(hi)));
    return box;
  }

  function panel(title, values, v, H, W, lo, hi, stops, describe) {
    var box = el('div', 'panel');
    box.appendChild(el('span', 't', title));
    var canvas = el('canvas', 'hm');
    canvas.width = W; canvas.height = H;
    var scale = Math.max(1, Math.min(24, Math.floor(256 / Math.max(H, W))));
    canvas.style.width = (W * scale) + 'px';
    canvas.style.height = (Math.max(H * scale, H === 1 ? 16 : 0)) + 'px';
    var g = canvas.getContext('2d'), img = g.createImageData(W, H);
    for (var h = 0; h < H; h++) for (var w = 0; w < W; w++) {
      var c = colourOf(values[h * W + w], lo, hi, stops), p = 4 * (h * W + w);
      img.data[p] = c[0]; img.data[p + 1] = c[1]; img.data[p + 2] = c[2]; img.data[p + 3] = 255;
    }
    g.putImageData(img, 0, 0);
    canvas.setAttribute('aria-label', title + ' heatmap');
    canvas.addEventListener('mousemove', function (event) {
      var r = canvas.getBoundingClientRect();
      var w = Math.min(W - 1, Math.max(0, Math.floor((event.clientX - r.left) / r.width * W)));
      var h = Math.min(H - 1, Math.max(0, Math.floor((event.clientY - r.top) / r.height * H)));
      showTip(event, describe(h, w));
    });
    canvas.addEventListener('mouseleave', hideTip);
    box.appendChild(canvas);
    box.appendChild(legend(lo, hi, stops));
    return box;
  }

  function numberGrid(title, values, H, W, diffs, maxDiff, describe, isDiff) {
    var table = el('table');
    table.appendChild(el('caption', '', title));
    var body = el('tbody');
    for (var h = 0; h < H; h++) {
      var tr = el('tr');
      for (var w = 0; w < W; w++) {
        var td = el('td', '', fmt(values[h * W + w]));
        var d = diffs[h * W + w], t = maxDiff > 0 ? (d !== d ? 1 : d / maxDiff) : 0;
        if (isDiff && t > 0) {
          var c = ramp(HEAT, t);
          td.style.background = 'rgb(' + Math.round(c[0]) + ',' + Math.round(c[1]) + ',' + Math.round(c[2]) + ')';
          if (t > 0.6) td.style.color = '#fff';
        } else if (!isDiff && t > 0.5) {
          td.className = 'hot';
        }
        td.title = describe(h, w);
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    table.appendChild(body);
    return table;
  }

  function draw(host) {
    if (host.getAttribute('data-drawn')) return;
    host.setAttribute('data-drawn', '1');
    var data = caseData(host.getAttribute('data-case'));
    var variant = data && data.variants[host.getAttribute('data-variant')];
    var target = host.querySelector('.pic-body') || host;
    if (!data || !variant || !data.reference) { target.appendChild(el('p', 'note', 'No embedded output to draw.')); return; }
    var v = view(data);
    var ref = unpack(data.reference), out = unpack(variant.output);
    // The side drawn against the reference: a runner's output, or the case's documented expect.
    var side = variant.side || 'runner';
    if (out.length !== ref.length) { target.appendChild(el('p', 'note', 'The ' + side + ' output has ' + out.length + ' elements, the reference ' + ref.length + ': no pictures.')); return; }
    var label = variant.label;

    // Which (n, c) to show: the first few, plus the one with the greatest difference.
    var worst = { n: 0, c: 0, diff: -1 };
    for (var i = 0; i < ref.length; i++) {
      var dd = Math.abs(out[i] - ref[i]);
      if (dd !== dd) dd = Infinity;
      if (dd > worst.diff) worst = { i: i, diff: dd };
    }
    var pairs = [];
    for (var n = 0; n < Math.min(v.N, MAX_BATCH); n++) for (var c = 0; c < Math.min(v.C, MAX_CHANNELS); c++) pairs.push([n, c]);
    var located = null;
    if (worst.i !== undefined && worst.diff > 0) {
      outer: for (var n2 = 0; n2 < v.N; n2++) for (var c2 = 0; c2 < v.C; c2++) for (var d2 = 0; d2 < v.D; d2++) for (var h2 = 0; h2 < v.H; h2++) for (var w2 = 0; w2 < v.W; w2++) {
        if (v.index(n2, c2, d2, h2, w2) === worst.i) { located = [n2, c2, d2, h2, w2]; break outer; }
      }
    }
    if (located && !pairs.some(function (p) { return p[0] === located[0] && p[1] === located[1]; })) pairs.push([located[0], located[1]]);

    var notes = [];
    if (v.N > MAX_BATCH || v.C > MAX_CHANNELS) notes.push('Showing batch items 0-' + (Math.min(v.N, MAX_BATCH) - 1) + ' of ' + v.N + ' and channels 0-' + (Math.min(v.C, MAX_CHANNELS) - 1) + ' of ' + v.C + (pairs.length > Math.min(v.N, MAX_BATCH) * Math.min(v.C, MAX_CHANNELS) ? ', plus the channel with the greatest difference' : '') + '.');
    if (located) notes.push('Greatest |difference| ' + fmt(worst.diff) + ' at ' + v.label(located[0], located[1], located[2], located[3], located[4]) + '.');
    notes.push('Hover a cell for its values. Colour scale per channel; reference and ' + side + ' share one.');
    target.appendChild(el('p', 'note', notes.join(' ')));

    var depth = v.rank === 3 ? (located ? located[2] : Math.floor(v.D / 2)) : 0;
    var sliceLine = null;
    if (v.rank === 3) {
      sliceLine = el('div', 'slice');
      var lab = el('label', '', 'depth slice d = ');
      var range = el('input');
      range.type = 'range'; range.min = '0'; range.max = String(v.D - 1); range.value = String(depth);
      var shown = el('span', 'mono', String(depth) + ' of 0-' + (v.D - 1));
      lab.appendChild(range);
      sliceLine.appendChild(lab);
      sliceLine.appendChild(shown);
      target.appendChild(sliceLine);
      range.addEventListener('input', function () { depth = Number(range.value); shown.textContent = depth + ' of 0-' + (v.D - 1); render(); });
    }
    var area = el('div', 'pic-rows');
    target.appendChild(area);
    var numbers = null;
    if (v.H <= GRID_LIMIT && v.W <= (v.rank === 1 ? 4 * GRID_LIMIT : GRID_LIMIT)) {
      numbers = el('div', 'numbers-box');
      target.appendChild(numbers);
    }

    function render() {
      area.textContent = '';
      if (numbers) numbers.textContent = '';
      pairs.forEach(function (pair) {
        var n = pair[0], c = pair[1], H = v.H, W = v.W;
        var r = new Array(H * W), o = new Array(H * W), df = new Array(H * W);
        var lo = Infinity, hi = -Infinity, maxDiff = 0;
        for (var h = 0; h < H; h++) for (var w = 0; w < W; w++) {
          var k = h * W + w, idx = v.index(n, c, depth, h, w);
          r[k] = ref[idx]; o[k] = out[idx];
          var d = Math.abs(o[k] - r[k]);
          df[k] = d;
          if (isFinite(r[k])) { lo = Math.min(lo, r[k]); hi = Math.max(hi, r[k]); }
          if (isFinite(o[k])) { lo = Math.min(lo, o[k]); hi = Math.max(hi, o[k]); }
          if (isFinite(d)) maxDiff = Math.max(maxDiff, d);
        }
        if (lo > hi) { lo = 0; hi = 0; }
        var describe = function (h, w) {
          var k = h * W + w;
          return v.label(n, c, depth, h, w) + '  [flat ' + v.index(n, c, depth, h, w) + ']\n' +
            'reference  ' + String(r[k]) + '\n' +
            (side + '          ').slice(0, 11) + String(o[k]) + '\n' +
            '|diff|     ' + String(df[k]);
        };
        var line = el('div', 'pic-row');
        line.appendChild(el('div', 'lab', 'n=' + n + ', c=' + c + (v.rank === 3 ? ', d=' + depth : '')));
        line.appendChild(panel('reference', r, v, H, W, lo, hi, VIRIDIS, describe));
        line.appendChild(panel(label, o, v, H, W, lo, hi, VIRIDIS, describe));
        line.appendChild(panel('|difference|', df, v, H, W, 0, maxDiff, HEAT, describe));
        area.appendChild(line);
        if (numbers) {
          var box = el('details');
          box.open = numbers.children.length === 0;
          box.appendChild(el('summary', '', 'Numbers n=' + n + ', c=' + c + (v.rank === 3 ? ', d=' + depth : '') + ': reference | ' + side + ' | |difference|'));
          var group = el('div', 'numbers');
          group.appendChild(numberGrid('reference', r, H, W, df, maxDiff, describe, false));
          group.appendChild(numberGrid(label, o, H, W, df, maxDiff, describe, false));
          group.appendChild(numberGrid('|difference|', df, H, W, df, maxDiff, describe, true));
          box.appendChild(group);
          numbers.appendChild(box);
        }
      });
    }
    render();
  }

  function drawIfOpen(host) {
    for (var node = host; node; node = node.parentElement) if (node.tagName === 'DETAILS' && !node.open) return false;
    draw(host);
    return true;
  }
  whenParsed(function () {
    var hosts = all('.pictures[data-case]');
    if ('IntersectionObserver' in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting && drawIfOpen(entry.target)) observer.unobserve(entry.target);
        });
      }, { rootMargin: '300px' });
      hosts.forEach(function (host) { observer.observe(host); });
      // A <details> opened later: its hosts may already be intersecting (zero size while closed).
      doc.addEventListener('toggle', function (event) {
        var details = event.target;
        if (details.open) all('.pictures[data-case]', details).forEach(function (host) {
          observer.unobserve(host);
          observer.observe(host);
        });
      }, true);
    } else {
      hosts.forEach(drawIfOpen);
    }
  });
})();
`;
