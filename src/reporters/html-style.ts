/**
 * The HTML report's stylesheet, inlined in the page. System fonts only (no download); colors
 * chosen for contrast on white (text ≥ 4.5:1) and told apart by more than hue (labels say it too).
 */
export const htmlStyle = `
:root { --ink: #1f2937; --muted: #4b5563; --line: #e5e7eb; --bg: #f8fafc; --card: #ffffff;
  --blue: #2563eb; --blue-soft: rgba(37, 99, 235, 0.14); --red: #b91c1c; --amber: #b45309; --green: #15803d; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 28px 20px 40px; }
header h1 { margin: 0; font-size: 26px; letter-spacing: -0.01em; }
.origin { margin: 4px 0 0; color: var(--muted); overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(136px, 1fr)); gap: 12px; margin: 20px 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card-value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; white-space: nowrap; }
.card-label { color: var(--muted); font-size: 13px; }
.card.bad .card-value { color: var(--red); }
.card.good .card-value { color: var(--green); }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 16px 0; overflow-x: auto; }
h2 { margin: 0 0 6px; font-size: 18px; }
.note, .empty { color: var(--muted); margin: 0 0 10px; font-size: 14px; }
.warnings { color: var(--amber); }
/* On a phone the charts and tables keep a readable size and scroll sideways. */
svg.chart { width: 100%; min-width: 640px; height: auto; display: block; font-family: inherit; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: #9ca3af; stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.chart .label { fill: var(--ink); font-size: 13px; }
.chart .line { fill: none; stroke: var(--blue); stroke-width: 2.2; stroke-linejoin: round; }
.chart .area { fill: var(--blue-soft); stroke: none; }
.chart .bar-label { fill: var(--ink); font-size: 12.5px; }
.chart .bar-value { fill: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
.chart .bar.ok { fill: var(--blue); }
.chart .bar.error, .chart .bar.leak { fill: var(--red); }
.chart .bar.timeout { fill: var(--amber); }
.chart g:hover .bar { opacity: 0.8; }
.table-wrap { overflow-x: auto; }
table { width: 100%; min-width: 640px; border-collapse: collapse; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { white-space: nowrap; }
tbody tr:nth-child(even) { background: #f9fafb; }
footer { color: var(--muted); font-size: 13px; margin-top: 20px; }
`
