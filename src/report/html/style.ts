/** The report's inline stylesheet (no external fonts or images). */
export const STYLE = `
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#b42318;--fail-bg:#ffe0dc;--grey:#59636e;--grey-bg:#eceff2;--amber:#8a5a00;--amber-bg:#fff1c2;--line:#d0d7de;--muted:#59636e;--bg:#fff;--fg:#1f2328;--code:#f6f8fa}
*{box-sizing:border-box}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0 auto;padding:16px 24px 64px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:0;word-break:break-all}h4{font-size:14px;margin:12px 0 4px}
a{color:#0759c7}code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;white-space:pre-wrap;word-break:break-word;margin:4px 0}
.note{color:var(--muted);font-size:12.5px;margin:4px 0}
.off{display:none!important}
.banner{padding:8px 12px;border-radius:6px;font-weight:600;margin:10px 0}
.banner.fail{background:var(--fail-bg);color:var(--fail)}.banner.pass{background:var(--pass-bg);color:var(--pass)}.banner.none{background:var(--grey-bg);color:var(--grey)}
.meta{display:flex;flex-wrap:wrap;gap:8px 32px;align-items:flex-start}.meta table{border-collapse:collapse}
.kv th{text-align:left;font-weight:600;color:var(--muted);padding:2px 12px 2px 0;vertical-align:top;white-space:nowrap}.kv td{padding:2px 0;vertical-align:top;word-break:break-word}
.counts{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0}
.badge,.st{display:inline-block;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:600;white-space:nowrap}
.s-pass{background:var(--pass-bg);color:var(--pass)}
.s-mismatch,.s-error,.s-crashed,.s-timeout,.s-unexpected-pass{background:var(--fail-bg);color:var(--fail)}
.s-unsupported{background:var(--grey-bg);color:var(--grey)}
.s-expected-mismatch,.s-expected-error,.s-expected-crash,.s-expected-timeout,.s-expected-unsupported{background:var(--amber-bg);color:var(--amber)}
#filters{position:sticky;top:0;z-index:5;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 0;display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center}
#filters label{white-space:nowrap}#filters fieldset{border:0;margin:0;padding:0;display:inline-flex;flex-wrap:wrap;gap:2px 10px}
#filters legend{float:left;font-weight:600;margin-right:6px}
#filters select,#filters input[type=search]{font:inherit;padding:2px 4px;max-width:260px}
#f-count{color:var(--muted)}
#pager{margin:6px 0;display:flex;gap:10px;align-items:center;color:var(--muted)}
.matrix-wrap{overflow:auto;max-height:70vh;border:1px solid var(--line);border-radius:6px}
table.matrix{border-collapse:separate;border-spacing:0;font-size:12.5px}
.matrix th,.matrix td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left}
.matrix thead{position:sticky;top:0;z-index:2}
.matrix thead th{background:#f6f8fa;vertical-align:bottom;font-weight:600;white-space:nowrap}
.matrix thead th.grp{text-align:center;border-bottom:0;padding-bottom:0}
.matrix thead th.var{font-weight:400;color:var(--muted);font-size:11px;white-space:normal;text-align:center}
.matrix .g0{border-left:1px solid var(--line)}
.matrix td.case{position:sticky;left:0;background:var(--bg);z-index:1;white-space:nowrap}
.matrix thead th.case{position:sticky;left:0;z-index:3;vertical-align:bottom}
.matrix td.st-cell{text-align:center;padding:2px 4px}.matrix td.st-cell a{text-decoration:none}
.matrix tr:hover td{background:#f6f8fa}
.conv{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:3px;padding:0 4px;margin-left:6px}
section.case{content-visibility:auto;contain-intrinsic-size:auto 320px;border:1px solid var(--line);border-radius:8px;margin:14px 0;padding:10px 14px;scroll-margin-top:64px}
section.case.failing{border-left:4px solid var(--fail)}section.case.expected{border-left:4px solid var(--amber)}
section.case:target{box-shadow:0 0 0 3px #0759c733}
.case-head{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:baseline}
.case-head .where{color:var(--muted);font-size:12.5px}
.tags .badge{background:var(--grey-bg);color:var(--grey);font-weight:400;margin-right:4px}
details>summary{cursor:pointer;font-weight:600;margin:6px 0}
table.grid{border-collapse:collapse;font-size:12.5px;margin:4px 0}table.grid caption{text-align:left;font-weight:600}
.grid th,.grid td{border:1px solid var(--line);padding:2px 8px;text-align:right}.grid th{background:#f6f8fa}
.grid td:first-child,.grid th:first-child{text-align:left}
.grid tr.bad td{background:var(--fail-bg)}.grid tr.fits td{background:var(--pass-bg)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.spelling{margin:6px 0}.spelling .fw{font-weight:600}.spelling.no{color:var(--muted)}
.variant{border-top:1px dashed var(--line);padding:8px 0 4px;scroll-margin-top:64px}
.variant-head{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:baseline}
.variant-head .label{font-weight:600}
details.call>summary{font-weight:400;margin:2px 0}
.summary-line{margin:4px 0;word-break:break-word}
.known{background:var(--amber-bg);border-radius:6px;padding:4px 8px;margin:4px 0}
.hists{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table.hist{border-collapse:collapse;font-size:12px;margin:6px 0}table.hist caption{text-align:left;font-weight:600}
.hist td{padding:1px 6px}.hist td.bar{width:160px}.hist td.bar span{display:block;height:10px;background:#6e7781;min-width:1px}
.diagnosis{background:#ddf4ff;border-radius:6px;padding:6px 10px}
.pictures{margin-top:6px}
.pic-rows{display:flex;flex-direction:column;gap:10px}
.pic-row{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
.pic-row>.lab{width:90px;font-weight:600;font-size:12.5px;padding-top:18px}
.panel{display:flex;flex-direction:column;gap:2px}
.panel .t{font-size:12px;font-weight:600}
.panel canvas.hm{image-rendering:pixelated;border:1px solid var(--line);cursor:crosshair;max-width:420px}
.legend{display:flex;align-items:center;gap:4px;font-size:11px;color:var(--muted)}
.legend canvas{width:90px;height:8px;border:1px solid var(--line)}
#tip{position:fixed;z-index:20;pointer-events:none;background:#1f2328;color:#fff;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;padding:6px 8px;border-radius:6px;white-space:pre;display:none;box-shadow:0 2px 8px #0004}
.numbers{display:flex;flex-wrap:nowrap;gap:12px;margin:4px 0 8px;overflow-x:auto;padding-bottom:4px}
.numbers table{border-collapse:collapse;font-size:10.5px;flex:none}
.numbers caption{font-weight:600;text-align:left;font-size:12px}
.numbers td{border:1px solid #e5e8eb;padding:1px 3px;text-align:right;font-family:ui-monospace,Menlo,Consolas,monospace}
.numbers td.hot{background:#ffe0dc}
.numbers-box summary{font-size:12.5px}
@media print{section.case{content-visibility:visible}#filters{position:static}}
.slice{font-size:12.5px;margin:4px 0}
`;
