// The replication graph of the library (Apache ECharts, served by the app). No inline scripts: a graph is a
// <div data-graph-source="ID"> whose data sit in <script type="application/json" id="ID"> (json_script):
// {categories: [{name}], nodes: [{id, name, category, municipality, adopted, authored, value}], links: [{source, target, value}]}.
(function () {
  function graph(el) {
    const source = document.getElementById(el.dataset.graphSource);
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    el.style.height = `${Math.max(360, Math.min(720, data.nodes.length * 18 + 240))}px`;
    const nodes = data.nodes.map((n) => ({
      ...n,
      symbolSize: 10 + Math.min(30, Math.sqrt(n.value) * 6),
      symbol: n.authored ? "diamond" : "circle",
    }));
    const chart = window.echarts.init(el);
    chart.setOption({
      aria: { enabled: true },
      legend: [{ data: data.categories.map((c) => c.name), top: 0 }],
      tooltip: {
        formatter: (p) => {
          if (p.dataType === "edge") return `${p.data.value}`;
          const d = p.data;
          return `${window.echarts.format.encodeHTML(d.name)}<br>${window.echarts.format.encodeHTML(d.municipality)}` +
            `<br>${el.dataset.labelAuthored}: ${d.authored} · ${el.dataset.labelAdopted}: ${d.adopted}`;
        },
      },
      series: [
        {
          type: "graph",
          layout: "force",
          roam: true,
          draggable: true,
          top: 40,
          categories: data.categories,
          data: nodes,
          links: data.links.map((l) => ({ ...l, lineStyle: { width: Math.min(6, l.value) } })),
          edgeSymbol: ["none", "arrow"],
          edgeSymbolSize: 7,
          label: { show: data.nodes.length <= 40, position: "right", fontSize: 11 },
          lineStyle: { color: "source", curveness: 0.15, opacity: 0.6 },
          force: { repulsion: 160, edgeLength: [60, 140] },
          emphasis: { focus: "adjacency" },
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-graph-source]").forEach(graph);
  });
})();
