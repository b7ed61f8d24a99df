// Charts of the expertise pages (Apache ECharts, served by the app). No inline scripts: a chart is a
// <div data-chart-source="ID"> whose data sit in <script type="application/json" id="ID"> (json_script).
(function () {
  function barChart(el) {
    const source = document.getElementById(el.dataset.chartSource);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    el.style.height = `${Math.max(160, data.names.length * 34 + 70)}px`;
    const chart = window.echarts.init(el);
    chart.setOption({
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { containLabel: true, left: 8, right: 16, top: 30, bottom: 8 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.names, inverse: true },
      series: [
        { name: el.dataset.labelSubmitted, type: "bar", data: data.submitted, color: "#198754" },
        { name: el.dataset.labelAssigned, type: "bar", data: data.assigned, color: "#adb5bd" },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart-source]").forEach(barChart);
  });
})();
