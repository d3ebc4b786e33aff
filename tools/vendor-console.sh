#!/usr/bin/env bash
# Copies the console's chart libraries from the npm registry into src/MinerWatch.Server/wwwroot/vendor, pinned, with
# their licences. The copies are committed, so building and running MinerWatch needs neither npm nor the internet.
# Usage: tools/vendor-console.sh   (needs npm and the registry; run after changing a version below)
set -euo pipefail
cd "$(dirname "$0")/.."
echarts=6.1.0
uplot=1.6.32
worldatlas=2.0.2
topojson=3.1.0
isocountries=7.14.0
vendor=src/MinerWatch.Server/wwwroot/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$echarts" "uplot@$uplot" "world-atlas@$worldatlas" "topojson-client@$topojson" "i18n-iso-countries@$isocountries" >/dev/null && for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}" --strip-components 1; done)
rm -rf "$vendor" && mkdir -p "$vendor/echarts" "$vendor/uplot" "$vendor/world-atlas" "$vendor/topojson-client" "$vendor/iso-countries"
cp "$work/echarts-$echarts/dist/echarts.esm.min.mjs" "$vendor/echarts/echarts.esm.min.js"
cp "$work/echarts-$echarts/LICENSE" "$work/echarts-$echarts/NOTICE" "$vendor/echarts/"
cp "$work/uplot-$uplot/dist/uPlot.esm.js" "$work/uplot-$uplot/dist/uPlot.min.css" "$work/uplot-$uplot/LICENSE" "$vendor/uplot/"
# The default map: Natural Earth's countries (public domain) at 1:50m as TopoJSON, turned into GeoJSON in the browser
# by topojson-client's ES module sources; ISO 3166 codes name a region path's country (CN-GD -> CN -> 156).
cp "$work/world-atlas-$worldatlas/countries-50m.json" "$work/world-atlas-$worldatlas/LICENSE" "$vendor/world-atlas/"
cp "$work/topojson-client-$topojson/src/"*.js "$work/topojson-client-$topojson/LICENSE" "$vendor/topojson-client/"
cp "$work/i18n-iso-countries-$isocountries/codes.json" "$work/i18n-iso-countries-$isocountries/LICENSE" "$vendor/iso-countries/"
printf 'echarts %s (Apache-2.0, https://echarts.apache.org)\nuplot %s (MIT, https://github.com/leeoniya/uPlot)\nworld-atlas %s (ISC; Natural Earth data, public domain, https://github.com/topojson/world-atlas)\ntopojson-client %s (ISC, https://github.com/topojson/topojson-client)\ni18n-iso-countries %s codes.json (MIT, https://github.com/michaelwittig/node-i18n-iso-countries)\n' "$echarts" "$uplot" "$worldatlas" "$topojson" "$isocountries" > "$vendor/VERSIONS"
echo "vendored into $vendor:"; ls -R "$vendor"
