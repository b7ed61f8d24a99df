#!/usr/bin/env sh
# Copies the few files the pages use from node_modules into static/vendor/ (served by WhiteNoise).
set -eu
cd "$(dirname "$0")"
nm=node_modules
out=static/vendor
rm -rf "$out.tmp" && mkdir -p "$out.tmp/bootstrap" "$out.tmp/bootstrap-icons" "$out.tmp/htmx" "$out.tmp/echarts" "$out.tmp/axe"
cp $nm/bootstrap/dist/css/bootstrap.min.css $nm/bootstrap/dist/css/bootstrap.min.css.map "$out.tmp/bootstrap/"
cp $nm/bootstrap/dist/js/bootstrap.bundle.min.js $nm/bootstrap/dist/js/bootstrap.bundle.min.js.map "$out.tmp/bootstrap/"
cp -r $nm/bootstrap-icons/font/bootstrap-icons.min.css $nm/bootstrap-icons/font/fonts "$out.tmp/bootstrap-icons/"
cp $nm/htmx.org/dist/htmx.min.js "$out.tmp/htmx/"
cp $nm/echarts/dist/echarts.min.js "$out.tmp/echarts/"
# axe-core: the accessibility checker the browser tests inject into pages (e2e/a11y.py); pages never load it.
if [ -f $nm/axe-core/axe.min.js ]; then cp $nm/axe-core/axe.min.js "$out.tmp/axe/"; fi
rm -rf "$out" && mv "$out.tmp" "$out"
