# Draws bench/compare.sh's figures (target/compare.tsv) as an SVG chart on standard output: per
# window and config, each implementation's bulk MB/s up and down, ping p99 and the server's CPU
# seconds per GB up and down, one panel each. Only the "bulk" rows are drawn. A FAIL figure gets
# a red FAIL mark instead of a bar; a figure that was not measured ("-") gets a grey n/a.
# Usage: awk [-v subtitle=TEXT] -f bench/compare-chart.awk target/compare.tsv > compare.svg
# POSIX awk (mawk, gawk, busybox).
BEGIN {
  FS = "\t"
  ngroups = 0; nimpls = 0
  split("#4e79a7 #f28e2b #59a14f #e15759 #76b7b2 #b07aa1", palette, " ")
}

NR == 1 && $1 == "kind" {
  for (i = 1; i <= NF; i++) col[$i] = i
  next
}

$1 == "bulk" {
  g = $(col["window"]) SUBSEP $(col["config"])
  if (!(g in gindex)) {
    gindex[g] = ++ngroups; gwnd[ngroups] = $(col["window"]); gcfg[ngroups] = $(col["config"])
  }
  im = $(col["impl"])
  if (!(im in iindex)) { iindex[im] = ++nimpls; iname[nimpls] = im }
  gi = gindex[g]; ii = iindex[im]
  val[gi, ii, "up"] = $(col["up_MBps"]); val[gi, ii, "down"] = $(col["down_MBps"])
  val[gi, ii, "p99"] = $(col["p99_us"])
  val[gi, ii, "cpuup"] = $(col["up_cpu_s_per_GB"]); val[gi, ii, "cpudown"] = $(col["down_cpu_s_per_GB"])
}

function esc(s) {
  gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
  return s
}
function isnum(s) { return s ~ /^[0-9]+(\.[0-9]*)?$/ }
function floor_(x) { return (x >= 0 || x == int(x)) ? int(x) : int(x) - 1 }
# A step of 1, 2 or 5 times a power of ten that splits 0..max into at most about 5 parts.
function nicestep(max,   raw, mag, f) {
  raw = max / 5
  mag = 10 ^ floor_(log(raw) / log(10))
  f = raw / mag
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag
}
function fmt(v) { return (v == int(v)) ? sprintf("%d", v) : sprintf("%g", v) }
function color(ii) { return palette[(ii - 1) % 6 + 1] }

# One panel at height y0: bars of the metrics m1 (and m2, drawn lighter, if not ""), per group
# and implementation, with a y axis from 0, grid lines and the group labels below.
function panel(y0, title, ylabel, m1, m2,   nm, max, gi, ii, k, m, v, step, top, t, y, x, bw, h, gx, lab) {
  nm = (m2 == "") ? 1 : 2
  max = 0
  for (gi = 1; gi <= ngroups; gi++)
    for (ii = 1; ii <= nimpls; ii++)
      for (k = 1; k <= nm; k++) {
        v = val[gi, ii, k == 1 ? m1 : m2]
        if (isnum(v) && v + 0 > max) max = v + 0
      }
  if (max <= 0) max = 1
  step = nicestep(max)
  top = step * int(max / step)
  if (top < max) top += step
  printf "<text x=\"%d\" y=\"%d\" class=\"title\">%s</text>\n", left, y0 - 10, esc(title)
  # axis and grid
  for (t = 0; t <= top + step / 2; t += step) {
    y = y0 + ph - t / top * ph
    printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", left, y, left + pw, y
    printf "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n", left - 6, y + 4, fmt(t)
  }
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", left, y0, left, y0 + ph
  printf "<line x1=\"%d\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"axis\"/>\n", left, y0 + ph, left + pw, y0 + ph
  printf "<text transform=\"translate(%d,%d) rotate(-90)\" class=\"label\" text-anchor=\"middle\">%s</text>\n", \
    left - 48, y0 + ph / 2, esc(ylabel)
  bw = barsw / (nimpls * nm)
  for (gi = 1; gi <= ngroups; gi++) {
    gx = left + (gi - 1) * gw + (gw - barsw) / 2
    for (ii = 1; ii <= nimpls; ii++)
      for (k = 1; k <= nm; k++) {
        m = (k == 1) ? m1 : m2
        v = val[gi, ii, m]
        x = gx + ((ii - 1) * nm + k - 1) * bw
        lab = gcfg[gi] ", window " gwnd[gi] ", " iname[ii] (nm == 2 ? (k == 1 ? ", up" : ", down") : "") ": "
        if (isnum(v)) {
          h = v / top * ph
          printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"%s><title>%s%s</title></rect>\n", \
            x + 0.5, y0 + ph - h, bw - 1, h, color(ii), k == 2 ? " fill-opacity=\"0.45\" stroke=\"" color(ii) "\"" : "", \
            esc(lab), v
        } else {
          # no bar: a FAIL or a figure not measured, written upwards from the base line
          printf "<text transform=\"translate(%.1f,%d) rotate(-90)\" class=\"%s\">%s<title>%s%s</title></text>\n", \
            x + bw / 2 + 3, y0 + ph - 3, v == "FAIL" ? "fail" : "na", v == "FAIL" ? "FAIL" : "n/a", esc(lab), \
            v == "" ? "none" : esc(v)
        }
      }
    printf "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>\n", \
      left + (gi - 0.5) * gw, y0 + ph + 15, esc(gcfg[gi])
  }
  # windows: a label under their groups, a divider between them
  for (gi = 1; gi <= ngroups; gi = k) {
    for (k = gi; k <= ngroups && gwnd[k] == gwnd[gi]; k++) ;
    printf "<text x=\"%.1f\" y=\"%d\" class=\"label\" text-anchor=\"middle\">window %s</text>\n", \
      left + (gi - 1 + (k - gi) / 2) * gw, y0 + ph + 32, esc(gwnd[gi])
    if (k <= ngroups)
      printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"divider\"/>\n", \
        left + (k - 1) * gw, y0, left + (k - 1) * gw, y0 + ph + 36
  }
}

END {
  if (ngroups == 0 || nimpls == 0) { print "compare-chart.awk: no bulk rows" > "/dev/stderr"; exit 1 }
  left = 80; right = 20; gpad = 24; barsw = 24 * nimpls
  gw = barsw + gpad; if (gw * ngroups < 540) gw = 540 / ngroups  # a few groups: wider gaps
  pw = ngroups * gw; ph = 200
  panelh = ph + 90; top0 = 110
  width = left + pw + right; if (width < 640) width = 640
  height = top0 + 3 * panelh
  printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", \
    width, height, width, height
  print "<style>"
  print "text { font-family: sans-serif; font-size: 11px; fill: #222 }"
  print ".head { font-size: 15px; font-weight: bold } .title { font-size: 13px; font-weight: bold }"
  print ".label { font-size: 12px } .tick { font-size: 10px; fill: #444 }"
  print ".grid { stroke: #ddd; stroke-width: 1 } .axis { stroke: #444; stroke-width: 1 }"
  print ".divider { stroke: #999; stroke-dasharray: 4 3 } .fail { fill: #d62728; font-size: 9px; font-weight: bold }"
  print ".na { fill: #999; font-size: 9px }"
  print "</style>"
  print "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"
  printf "<text x=\"%d\" y=\"24\" class=\"head\">kcp-java and kcp-go, bench/compare.sh</text>\n", left
  if (subtitle != "") printf "<text x=\"%d\" y=\"42\" class=\"label\">%s</text>\n", left, esc(subtitle)
  # legend: one swatch per implementation, then what solid and light bars mean
  x = left
  for (ii = 1; ii <= nimpls; ii++) {
    printf "<rect x=\"%d\" y=\"56\" width=\"14\" height=\"14\" fill=\"%s\"/>\n", x, color(ii)
    printf "<text x=\"%d\" y=\"67\" class=\"label\">%s</text>\n", x + 19, esc(iname[ii])
    x += 30 + 7 * length(iname[ii])
  }
  printf "<rect x=\"%d\" y=\"56\" width=\"14\" height=\"14\" fill=\"#777\"/>\n", x
  printf "<text x=\"%d\" y=\"67\" class=\"label\">up (client to server)</text>\n", x + 19
  x += 160
  printf "<rect x=\"%d\" y=\"56\" width=\"14\" height=\"14\" fill=\"#777\" fill-opacity=\"0.45\" stroke=\"#777\"/>\n", x
  printf "<text x=\"%d\" y=\"67\" class=\"label\">down</text>\n", x + 19
  printf "<text x=\"%d\" y=\"86\" class=\"tick\">FAIL in red: the measurement failed (no bar); n/a: not measured</text>\n", left
  panel(top0 + 10, "Bulk throughput, each way (higher is better)", "MB/s (10^6 bytes/s)", "up", "down")
  panel(top0 + 10 + panelh, "Ping round trip, p99 (lower is better)", "p99 (\302\265s)", "p99", "")
  panel(top0 + 10 + 2 * panelh, "Server CPU per GB moved, user + system (lower is better)", "CPU s per 10^9 bytes", \
    "cpuup", "cpudown")
  print "</svg>"
}
