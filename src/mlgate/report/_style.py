"""The HTML report's inline stylesheet (system fonts only; prints on A4)."""

from __future__ import annotations

CSS = """
:root { --pass:#2e7d32; --fail:#c62828; --warn:#ef6c00; --appr:#6a1b9a; --waive:#f9a825;
  --ink:#1c2430; --muted:#5f6b7a; --line:#d7dde4; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#fff;
  font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; }
main { max-width:1100px; margin:0 auto; padding:24px 28px 48px; }
h1 { font-size:24px; margin:0; } h2 { font-size:18px; margin:28px 0 10px;
  border-bottom:2px solid var(--line); padding-bottom:4px; }
h3 { font-size:15px; margin:18px 0 6px; }
.verdict { display:flex; gap:18px; align-items:center; padding:18px 20px; border-radius:8px;
  background:var(--bg); border-left:10px solid var(--muted); }
.verdict.pass { border-color:var(--pass); } .verdict.fail { border-color:var(--fail); }
.verdict.insufficient_evidence { border-color:var(--warn); }
.verdict.needs_approval { border-color:var(--appr); }
.badge { font-weight:700; font-size:20px; padding:8px 14px; border-radius:6px; color:#fff;
  background:var(--muted); white-space:nowrap; }
.pass .badge { background:var(--pass); } .fail .badge { background:var(--fail); }
.insufficient_evidence .badge { background:var(--warn); }
.needs_approval .badge { background:var(--appr); }
.meta { color:var(--muted); margin:4px 0 0; }
.plain { font-size:16px; margin:14px 0; }
.banner { background:#fff3e0; border:1px solid var(--warn); padding:8px 12px; border-radius:6px; }
.counts { display:flex; gap:10px; list-style:none; padding:0; margin:10px 0; flex-wrap:wrap; }
.counts li { background:var(--bg); border:1px solid var(--line); border-radius:6px;
  padding:6px 12px; }
.counts b { font-size:18px; margin-right:4px; }
table { border-collapse:collapse; width:100%; margin:6px 0 10px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line);
  vertical-align:top; }
th { background:var(--bg); font-weight:600; }
td.num { font-variant-numeric:tabular-nums; white-space:nowrap; }
td.id { white-space:nowrap; }
td.val { font-family:ui-monospace,"DejaVu Sans Mono",monospace; font-size:12px; max-width:240px;
  overflow-wrap:anywhere; }
code, .mono { font-family:ui-monospace,"DejaVu Sans Mono",monospace; font-size:12px;
  overflow-wrap:anywhere; }
.pill { display:inline-block; padding:1px 8px; border-radius:10px; color:#fff; font-size:12px;
  white-space:nowrap; }
.pill.pass { background:var(--pass); } .pill.fail { background:var(--fail); }
.pill.missing_evidence { background:var(--warn); }
.pill.approval_required { background:var(--appr); }
.pill.waived { background:var(--waive); color:#222; }
.pill.not_applicable { background:#fff; color:var(--muted); border:1px solid var(--line); }
.pill.insufficient_evidence { background:var(--warn); }
.pill.needs_approval { background:var(--appr); }
tr.current td { font-weight:bold; }
.family { border:1px solid var(--line); border-radius:8px; padding:4px 14px 10px; margin:12px 0;
  break-inside:avoid; }
.family p.desc { color:var(--muted); margin:0 0 6px; }
.chart text { font-size:12px; fill:var(--ink); }
.legend { color:var(--muted); font-size:12px; }
dl.prov { display:grid; grid-template-columns:max-content 1fr; gap:4px 16px; }
dl.prov dt { color:var(--muted); } dl.prov dd { margin:0; }
footer { margin-top:30px; color:var(--muted); font-size:12px; }
@media print { main { padding:0; } .family { page-break-inside:avoid; } }
"""
