// Charts of the monitoring pages (Apache ECharts, served by the app). No inline scripts: a chart is a
// <div data-chart-source="ID" data-chart-kind="bars|kinds|trend|radar"> whose data sit in
// <script type="application/json" id="ID"> (json_script).
(function () {
  function data(el) {
    const source = document.getElementById(el.dataset.chartSource);
    if (!source || !window.echarts) return null;
    return JSON.parse(source.textContent);
  }

  function draw(el, option) {
    const chart = window.echarts.init(el);
    chart.setOption(Object.assign({ aria: { enabled: true }, tooltip: {} }, option));
    window.addEventListener("resize", () => chart.resize());
  }

  function bars(el, names, values) {
    el.style.height = `${Math.max(160, names.length * 28 + 60)}px`;
    draw(el, {
      grid: { containLabel: true, left: 8, right: 24, top: 10, bottom: 8 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: names, inverse: true },
      series: [{ name: el.dataset.label, type: "bar", data: values, color: "#0d6efd" }],
    });
  }

  const kinds = {
    bars: (el, d) => bars(el, d.names, d.values),
    kinds: (el, d) => bars(el, d.kinds, d.kindValues),
    trend: (el, d) => {
      el.style.height = "260px";
      draw(el, {
        tooltip: { trigger: "axis" },
        grid: { containLabel: true, left: 8, right: 24, top: 20, bottom: 8 },
        xAxis: { type: "category", data: d.years },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ name: el.dataset.label, type: "line", data: d.trend, color: "#198754" }],
      });
    },
    radar: (el, d) => {
      el.style.height = "420px";
      draw(el, {
        legend: { bottom: 0 },
        radar: { indicator: d.radar.names.map((name) => ({ name, max: 100 })), radius: "62%" },
        series: [
          {
            type: "radar",
            data: [
              { name: el.dataset.labelOwn, value: d.radar.own },
              { name: el.dataset.labelMedian, value: d.radar.median },
            ],
          },
        ],
      });
    },
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart-source]").forEach((el) => {
      const d = data(el);
      const kind = kinds[el.dataset.chartKind];
      if (d && kind) kind(el, d);
    });
  });
})();
