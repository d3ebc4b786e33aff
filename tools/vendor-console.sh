#!/usr/bin/env bash
# Copies the console's chart libraries from the npm registry into src/MinerWatch.Server/wwwroot/vendor, pinned, with
# their licences. The copies are committed, so building and running MinerWatch needs neither npm nor the internet.
# Usage: tools/vendor-console.sh   (needs npm and the registry; run after changing a version below)
set -euo pipefail
cd "$(dirname "$0")/.."
echarts=6.1.0
uplot=1.6.32
vendor=src/MinerWatch.Server/wwwroot/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$echarts" "uplot@$uplot" >/dev/null && for f in *.tgz; do mkdir "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}" --strip-components 1; done)
rm -rf "$vendor" && mkdir -p "$vendor/echarts" "$vendor/uplot"
cp "$work/echarts-$echarts/dist/echarts.esm.min.mjs" "$vendor/echarts/echarts.esm.min.js"
cp "$work/echarts-$echarts/LICENSE" "$work/echarts-$echarts/NOTICE" "$vendor/echarts/"
cp "$work/uplot-$uplot/dist/uPlot.esm.js" "$work/uplot-$uplot/dist/uPlot.min.css" "$work/uplot-$uplot/LICENSE" "$vendor/uplot/"
printf 'echarts %s (Apache-2.0, https://echarts.apache.org)\nuplot %s (MIT, https://github.com/leeoniya/uPlot)\n' "$echarts" "$uplot" > "$vendor/VERSIONS"
echo "vendored into $vendor:"; ls -R "$vendor"
