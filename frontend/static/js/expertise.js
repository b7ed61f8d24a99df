// Charts of the expertise pages (Apache ECharts, served by the app). No inline scripts: a chart is a
// <div data-chart-source="ID"> whose data sit in <script type="application/json" id="ID"> (json_script);
// data-chart-kind picks the chart: "progress" (default, sheets per expert) or "leniency".
(function () {
  function data(el) {
    const source = document.getElementById(el.dataset.chartSource);
    if (!source || !window.echarts) return null;
    return JSON.parse(source.textContent);
  }

  // Numbers the Russian way on the axes and in the tooltips («18,25», «1 250»), whatever the chart.
  const ruNumber = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 2 });
  function russian(option) {
    const value = (v) => (typeof v === "number" ? ruNumber.format(v) : v);
    [].concat(option.xAxis || [], option.yAxis || [], option.radiusAxis || []).forEach((axis) => {
      if (axis && axis.type === "value") axis.axisLabel = Object.assign({ formatter: value }, axis.axisLabel);
    });
    option.tooltip = Object.assign({ valueFormatter: value }, option.tooltip);
    return option;
  }

  function draw(el, option) {
    const chart = window.echarts.init(el);
    chart.setOption(russian(option));
    window.addEventListener("resize", () => chart.resize());
  }

  function progressChart(el, d) {
    el.style.height = `${Math.max(160, d.names.length * 34 + 70)}px`;
    draw(el, {
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { containLabel: true, left: 8, right: 16, top: 30, bottom: 8 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: d.names, inverse: true },
      series: [
        { name: el.dataset.labelSubmitted, type: "bar", data: d.submitted, color: "#198754" },
        { name: el.dataset.labelAssigned, type: "bar", data: d.assigned, color: "#adb5bd" },
      ],
    });
  }

  // Mean deviation of each expert from the others: lenient to the right (green), harsh to the left (red).
  function leniencyChart(el, d) {
    el.style.height = `${Math.max(140, d.names.length * 28 + 50)}px`;
    draw(el, {
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { containLabel: true, left: 8, right: 16, top: 10, bottom: 8 },
      xAxis: { type: "value", name: el.dataset.labelValue, nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "category", data: d.names, inverse: true },
      series: [
        {
          name: el.dataset.labelValue,
          type: "bar",
          data: d.values.map((v) => ({ value: v, itemStyle: { color: v >= 0 ? "#198754" : "#dc3545" } })),
        },
      ],
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-chart-source]").forEach((el) => {
      const d = data(el);
      if (!d) return;
      if (el.dataset.chartKind === "leniency") leniencyChart(el, d);
      else progressChart(el, d);
    });
  });
})();
