// The region page's map (Apache ECharts, served by the app; no network): a choropleth of the uploaded
// municipal boundaries (fetched from our own URL, registered with echarts.registerMap), or, without them,
// a tile cartogram — one square per municipality — coloured by the chosen figure. The data sit in
// <script type="application/json"> (json_script); no inline scripts.
(function () {
  const MAP = "novator-region";
  const number = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });
  const colours = ["#e7f0fd", "#9ec5fe", "#3d8bfd", "#0a58ca", "#052c65"];

  function short(name) {
    const text = name
      .replace(/\s+муниципальн\S*\s+(район|округ)$/i, "")
      .replace(/\s+(район|городской округ|муниципальный округ)$/i, "")
      .replace(/^(город|городской округ)\s+(город\s+)?/i, "г. ");
    return text.length > 13 ? `${text.slice(0, 12)}…` : text;
  }

  function setUp(el) {
    const source = document.getElementById(el.dataset.regionMap);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const select = document.querySelector("[data-region-figure]");
    const chart = window.echarts.init(el);
    let figure = data.figure;
    let geo = false;

    const label = (key) => (data.figures.find((f) => f.key === key) || { label: key }).label;
    const show = (v) => (v === null || v === undefined || v === "-" ? data.noData : number.format(v));

    function visualMap(key) {
      const values = data.rows.map((r) => r[key]).filter((v) => v !== null && v !== undefined);
      let min = values.length ? Math.min(...values) : 0;
      let max = values.length ? Math.max(...values) : 1;
      if (max === min) max = min + 1;
      return {
        min,
        max,
        calculable: true,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemWidth: 12,
        formatter: (v) => number.format(v),
        inRange: { color: colours },
        seriesIndex: geo ? 0 : 1,
      };
    }

    function mapOption(key) {
      el.style.height = `${Math.max(360, Math.min(640, el.clientWidth * 0.8))}px`;
      return {
        aria: { enabled: true },
        tooltip: {
          trigger: "item",
          formatter: (p) => (p.data ? `${p.data.label}<br>${label(key)}: ${show(p.data.value)}` : `${data.noData}`),
        },
        visualMap: visualMap(key),
        series: [
          {
            type: "map",
            map: MAP,
            nameProperty: "novator_id",
            roam: true,
            top: 10,
            bottom: 50,
            itemStyle: { areaColor: "#dee2e6", borderColor: "#fff" },
            emphasis: { label: { show: true, formatter: (p) => (p.data ? short(p.data.label) : "") } },
            data: data.rows.map((r) => ({ name: r.id, value: r[key] === null ? "-" : r[key], label: r.name })),
          },
        ],
      };
    }

    function tileOption(key) {
      const n = data.rows.length || 1;
      const width = el.clientWidth || 320;
      const fit = Math.max(2, Math.floor(width / 86));
      const cols = Math.min(fit, Math.max(2, Math.ceil(Math.sqrt(n * 1.6))));
      const tile = Math.min(120, Math.floor(width / cols));
      const lines = Math.ceil(n / cols);
      el.style.minHeight = "0";
      el.style.height = `${lines * tile + 60}px`;
      const cell = (r, i) => [i % cols, Math.floor(i / cols)];
      return {
        aria: { enabled: true },
        tooltip: { formatter: (p) => `${p.data.name}<br>${label(key)}: ${show(p.data.figure)}` },
        grid: { left: Math.floor((width - cols * tile) / 2), width: cols * tile, top: 2, height: lines * tile },
        xAxis: { type: "category", data: [...Array(cols).keys()], show: false },
        yAxis: { type: "category", data: [...Array(lines).keys()], show: false, inverse: true },
        visualMap: visualMap(key),
        series: [
          {
            // the squares themselves (grey when the figure is missing) and their labels
            type: "heatmap",
            silent: false,
            z: 1,
            data: data.rows.map((r, i) => ({ value: [...cell(r, i), 0], name: r.name, figure: r[key] })),
            itemStyle: { color: "#dee2e6", borderColor: "#fff", borderWidth: 3 },
            label: { show: false },
          },
          {
            type: "heatmap",
            z: 2,
            data: data.rows.map((r, i) => ({
              value: [...cell(r, i), r[key] === null ? "-" : r[key]],
              name: r.name,
              figure: r[key],
            })),
            itemStyle: { borderColor: "#fff", borderWidth: 3 },
            label: { show: false },
          },
          {
            // the labels on top, dark or light by the square's colour
            type: "scatter",
            z: 3,
            silent: true,
            symbolSize: 0,
            data: data.rows.map((r, i) => ({ value: cell(r, i), name: r.name, figure: r[key] })),
            label: {
              show: true,
              position: "inside",
              fontSize: 10,
              lineHeight: 13,
              color: "#212529",
              textBorderColor: "#fff",
              textBorderWidth: 2,
              formatter: (p) => `${short(p.data.name)}\n${show(p.data.figure)}`,
            },
          },
        ],
      };
    }

    function render() {
      chart.setOption(geo ? mapOption(figure) : tileOption(figure), true);
      chart.resize();
    }

    if (select) {
      select.addEventListener("change", () => {
        figure = select.value;
        const url = new URL(window.location.href);
        url.searchParams.set("figure", figure);
        window.history.replaceState(null, "", url);
        render();
      });
    }
    window.addEventListener("resize", () => {
      chart.resize();
      if (!geo) render();
    });
    if (data.boundaries) {
      fetch(data.boundaries, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((json) => {
          window.echarts.registerMap(MAP, json);
          geo = true;
          render();
        })
        .catch(render);
    } else {
      render();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-region-map]").forEach(setUp);
  });
})();
