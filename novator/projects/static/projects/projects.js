// Charts of the readiness survey (Apache ECharts, served by the app). No inline scripts: a chart is a
// <div data-readiness-chart="ID"> whose data sit in <script type="application/json" id="ID"> (json_script).
(function () {
  function readinessChart(el) {
    const source = document.getElementById(el.dataset.readinessChart);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    if (!data.names.length) return;
    const single = data.names.length === 1;
    const rows = single ? data.scales.length : data.names.length;
    el.style.height = `${Math.max(220, rows * (single ? 42 : 26 * data.scales.length) + 80)}px`;
    const chart = window.echarts.init(el);
    const palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1"];
    const series = single
      ? [{ type: "bar", data: data.series.map((s) => s.data[0]), label: { show: true, position: "right" },
           itemStyle: { color: (p) => palette[p.dataIndex % palette.length] } }]
      : data.series.map((s, i) => ({ name: s.name, type: "bar", data: s.data, color: palette[i % palette.length] }));
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: single ? undefined : { top: 0 },
      grid: { containLabel: true, left: 8, right: 32, top: single ? 10 : 40, bottom: 8 },
      xAxis: { type: "value", min: data.min, max: data.max, interval: 1 },
      yAxis: { type: "category", data: single ? data.scales : data.names, inverse: true },
      series: series,
    });
    window.addEventListener("resize", () => chart.resize());
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-readiness-chart]").forEach(readinessChart);
  });
})();
