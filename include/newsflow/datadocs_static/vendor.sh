#!/usr/bin/env bash
# Re-vendor the scripts and styles that Great Expectations' Data Docs load from CDNs, from the
# npm registry (`npm pack`, no install, no build step), into vendor/ beside this script, each with
# its licence. Run by hand when GX's templates change (tests/test_plugin_ui.py fails naming any CDN
# URL that newsflow.datadocs.CDN does not map); the pipeline never downloads anything.
# Versions: GX 1.24 references jquery 3.7.1, popper.js 1.12.9, bootstrap 4.3.1, bootstrap-table
# 1.19.1, bootstrap-datepicker 1.9.0, Font Awesome 6.6.0 and bootstrap-dark 1.1.0; popper.js and
# bootstrap are taken at the last release of the same major version (1.16.1, 4.6.2: bug and
# security fixes, same API). Vega, Vega-Lite and Vega-Embed come from the vl-convert-python wheel.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fetch() {  # fetch NAME@VERSION DIR: unpack the npm tarball into $tmp/DIR
  local file
  file="$(npm pack --silent "$1" | tail -1)"
  mkdir -p "$2"
  tar xzf "$file" -C "$2" --strip-components=1
}
fetch jquery@3.7.1 jquery
fetch popper.js@1.16.1 popper
fetch bootstrap@4.6.2 bootstrap
fetch bootstrap-table@1.19.1 bootstrap-table
fetch bootstrap-datepicker@1.9.0 bootstrap-datepicker
fetch @fortawesome/fontawesome-free@6.6.0 fontawesome
fetch @forevolve/bootstrap-dark@1.1.0 bootstrap-dark

rm -rf "$out"
mkdir -p "$out"/{jquery,popper,bootstrap,bootstrap-table,bootstrap-datepicker,fontawesome/css,fontawesome/webfonts,bootstrap-dark}
cp jquery/dist/jquery.min.js jquery/LICENSE.txt "$out/jquery/"
cp popper/dist/umd/popper.min.js "$out/popper/"  # MIT; the package has no licence file: the header of popper.min.js carries it
cp bootstrap/dist/css/bootstrap.min.css bootstrap/dist/js/bootstrap.min.js bootstrap/LICENSE "$out/bootstrap/"
cp bootstrap-table/dist/bootstrap-table.min.css bootstrap-table/dist/bootstrap-table.min.js \
   bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css \
   bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js \
   bootstrap-table/LICENSE "$out/bootstrap-table/"
cp bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js \
   bootstrap-datepicker/LICENSE "$out/bootstrap-datepicker/"
cp fontawesome/css/all.min.css "$out/fontawesome/css/"
cp fontawesome/webfonts/*.woff2 "$out/fontawesome/webfonts/"  # all.min.css lists woff2 first; the .ttf fallbacks are left out
cp fontawesome/LICENSE.txt "$out/fontawesome/"
cp bootstrap-dark/dist/css/bootstrap-prefers-dark.min.css bootstrap-dark/LICENSE "$out/bootstrap-dark/"
du -sh "$out"
