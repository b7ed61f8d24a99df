// Charts of the monitoring pages (Apache ECharts, served by the app). No inline scripts: a chart is a
// <div data-chart-source="ID" data-chart-kind="bars|kinds|trend|radar|heatmap|completion|moved"> whose data sit in
// <script type="application/json" id="ID"> (json_script).
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
    chart.setOption(russian(Object.assign({ aria: { enabled: true }, tooltip: {} }, option)));
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

  function labels(el) {
    const source = document.getElementById(el.dataset.chartLabels || "");
    return source ? JSON.parse(source.textContent) : {};
  }

  const kinds = {
    heatmap: (el, d) => {
      el.style.height = `${Math.max(200, d.y.length * 26 + 140)}px`;
      draw(el, {
        tooltip: {
          position: "top",
          formatter: (p) => `${d.y[p.value[1]]}<br>${d.x[p.value[0]]}: ${p.value[2]}`,
        },
        grid: { containLabel: true, left: 8, right: 16, top: 10, bottom: 60 },
        xAxis: { type: "category", data: d.x, axisLabel: { interval: 0, rotate: 30, width: 140, overflow: "truncate" } },
        yAxis: { type: "category", data: d.y, inverse: true },
        visualMap: {
          min: 0,
          max: 100,
          calculable: true,
          orient: "horizontal",
          left: "center",
          bottom: 0,
          inRange: { color: ["#dc3545", "#ffc107", "#198754"] },
        },
        series: [{ name: el.dataset.label, type: "heatmap", data: d.data, label: { show: d.y.length <= 30 } }],
      });
    },
    completion: (el, d) => {
      const names = labels(el);
      el.style.height = `${Math.max(160, d.names.length * 40 + 80)}px`;
      const colors = { approved: "#198754", submitted: "#0d6efd", returned: "#fd7e14", draft: "#adb5bd" };
      draw(el, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0 },
        grid: { containLabel: true, left: 8, right: 24, top: 10, bottom: 36 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: d.names, inverse: true },
        series: ["approved", "submitted", "returned", "draft"].map((state) => ({
          name: names[state] || state,
          type: "bar",
          stack: "total",
          data: d[state],
          color: colors[state],
        })),
      });
    },
    moved: (el, d) => {
      el.style.height = `${Math.max(160, d.names.length * 28 + 60)}px`;
      draw(el, {
        grid: { containLabel: true, left: 8, right: 24, top: 10, bottom: 8 },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: d.names, inverse: true },
        series: [
          {
            name: el.dataset.label,
            type: "bar",
            data: d.values.map((v) => ({ value: v, itemStyle: { color: v < 0 ? "#dc3545" : "#198754" } })),
          },
        ],
      });
    },
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
