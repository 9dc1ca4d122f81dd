#!/bin/sh
# test_report_browser.sh -- report.html of the example study in a real
# browser (headless Chromium, Debian package `chromium`):
#   - it renders to PNG and prints to PDF;
#   - a copy with a check script injected shows, through --dump-dom, that
#     every section, table and figure is present and drawn, and that no
#     element is wider than the page, at screen width and at the width of
#     an A4 page.
# Chromium missing is a failure, not a skip: scripts/install-deps.sh installs it.
. tests/cli/lib.sh

CHROMIUM=${CHROMIUM:-}
if [ -z "$CHROMIUM" ]; then
    for c in chromium chromium-browser google-chrome; do
        if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$c; break; fi
    done
fi
if [ -z "$CHROMIUM" ]; then
    bad "chromium is not installed: install the Debian package 'chromium' (scripts/install-deps.sh does)"
    finish
    exit 1
fi

browser() {   # browser ARGS... -- headless, offline, a fresh profile each time
    profile=$(mktemp -d "$TMP/profile.XXXXXX")
    timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars "$@" 2>>"$TMP/chromium.log"
}

expect_exit 0 "$ONCOSTAT" report examples/gist-liver-mets/study.yaml -o "$TMP/report" --quiet
HTML=$TMP/report/report.html
URL="file://$HTML"

# PNG screenshot.
browser --screenshot="$TMP/shot.png" --window-size=1200,4000 "$URL" >/dev/null
if [ -s "$TMP/shot.png" ] && [ "$(head -c 4 "$TMP/shot.png" | tail -c 3)" = "PNG" ]; then ok
else bad "no PNG screenshot ($(tail -3 "$TMP/chromium.log"))"; fi

# PDF print: A4 pages, one section per page at least.
browser --no-pdf-header-footer --print-to-pdf="$TMP/report.pdf" "$URL" >/dev/null
if [ -s "$TMP/report.pdf" ] && [ "$(head -c 5 "$TMP/report.pdf")" = "%PDF-" ]; then ok
else bad "no PDF ($(tail -3 "$TMP/chromium.log"))"; fi
pages=$(grep -a -o '/Type */Pages*' "$TMP/report.pdf" | grep -c 'Page$' || true)
if [ "${pages:-0}" -ge 6 ]; then ok; else bad "the PDF has ${pages:-0} pages; expected a page per section (at least 6)"; fi

# DOM checks with an injected script.
cat >"$TMP/check.js" <<'JS'
(function () {
  var problems = [];
  function need(cond, what) { if (!cond) problems.push(what); }
  ["title", "methods", "patients", "survival", "cox", "response", "safety", "data-notes"].forEach(function (id) {
    var el = document.getElementById(id);
    need(el && el.getBoundingClientRect().height > 0, "section " + id + " missing or empty");
  });
  var figures = document.querySelectorAll("figure");
  need(figures.length === 7, figures.length + " figures instead of 7");
  figures.forEach(function (f) {
    var box = f.getBoundingClientRect();
    need(box.height > 100, "figure " + f.id + " is not drawn");
    need(f.querySelector("figcaption") !== null, "figure " + f.id + " has no caption");
    if (f.id !== "figure-flow") {
      var svg = f.querySelector("svg");
      need(svg && svg.getBoundingClientRect().height > 100, "figure " + f.id + " has no drawn SVG");
      need(svg && svg.querySelectorAll("path, use").length > 20, "figure " + f.id + " SVG is empty");
    }
  });
  need(document.querySelectorAll("table").length === 5, "expected 5 tables");
  document.querySelectorAll("table").forEach(function (t) {
    need(t.querySelector("caption") !== null, "table " + t.id + " has no caption");
    need(t.rows.length > 3, "table " + t.id + " has no rows");
  });
  // Nothing wider than the page or than its box.
  var page = document.documentElement.clientWidth;
  need(document.documentElement.scrollWidth <= page, "the page scrolls horizontally (" +
       document.documentElement.scrollWidth + " > " + page + ")");
  var body = document.body.getBoundingClientRect();
  document.querySelectorAll("body *").forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    if (r.right > body.right + 1 || r.left < body.left - 1)
      problems.push("<" + el.tagName.toLowerCase() + (el.id ? " id=" + el.id : "") + "> overflows the text width");
    if (el.tagName === "TD" || el.tagName === "TH" || el.tagName === "P" || el.tagName === "FIGURE")
      if (el.scrollWidth > el.clientWidth + 1)
        problems.push("<" + el.tagName.toLowerCase() + "> content wider than its box: " + el.textContent.slice(0, 40));
  });
  var out = document.createElement("pre");
  out.id = "layout-check";
  out.textContent = problems.length ? "LAYOUT-PROBLEMS " + problems.slice(0, 20).join(" | ") : "LAYOUT-OK";
  document.body.appendChild(out);
})();
JS
sed 's|</body>|<script>\n__CHECK__\n</script>\n</body>|' "$HTML" >"$TMP/check.tmp"
awk -v f="$TMP/check.js" '/^__CHECK__$/ { while ((getline line < f) > 0) print line; next } { print }' \
    "$TMP/check.tmp" >"$TMP/report/check.html"
for width in 1200 760; do
    browser --dump-dom --window-size=$width,2000 "file://$TMP/report/check.html" >"$TMP/dom.html"
    # The result is the text of <pre id="layout-check">, not the script's source.
    if grep -q 'id="layout-check">LAYOUT-OK<' "$TMP/dom.html"; then ok
    else bad "layout at width $width: $(grep -o 'id="layout-check">[^<]*' "$TMP/dom.html" | head -c 600)$(tail -2 "$TMP/chromium.log")"; fi
done
finish
