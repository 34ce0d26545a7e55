// jixiao: the few behaviours htmx does not give — charts from the page's own data, the
// upload's drop zone and progress. No inline scripts (the content policy forbids them).
"use strict";

function drawCharts() {
  const holder = document.getElementById("chart-data");
  if (!holder || typeof echarts === "undefined") return;
  const data = JSON.parse(holder.textContent);
  document.querySelectorAll(".chart").forEach((el) => {
    const rows = data[el.dataset.key] || [];
    const chart = echarts.init(el);
    if (el.dataset.kind === "bar") {
      chart.setOption({
        grid: { left: 10, containLabel: true, right: 20, top: 10, bottom: 20 },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: rows.map((r) => r[0]) },
        series: [{ type: "bar", data: rows.map((r) => r[1]), itemStyle: { color: "#b3261e" } }],
        tooltip: {},
      });
    } else {
      chart.setOption({
        tooltip: {},
        series: [{ type: "pie", radius: ["35%", "65%"],
                   data: rows.filter((r) => r[1] > 0).map((r) => ({ name: r[0], value: r[1] })) }],
      });
    }
    window.addEventListener("resize", () => chart.resize());
  });
}

function wireUpload() {
  const form = document.getElementById("upload");
  if (!form) return;
  const drop = document.getElementById("drop");
  const chosen = document.getElementById("chosen");
  const bar = document.getElementById("progress");
  let dropped = null;
  const count = () => {
    const n = dropped ? dropped.length
      : Array.from(form.querySelectorAll("input[type=file]")).reduce((a, i) => a + i.files.length, 0);
    chosen.textContent = n ? `已选择 ${n} 个文件` : "";
  };
  form.addEventListener("change", () => { dropped = null; count(); });
  ["dragenter", "dragover"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((e) => drop.addEventListener(e, (ev) => { ev.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (ev) => {
    const input = form.querySelector("input[type=file]");
    input.files = ev.dataTransfer.files;
    dropped = input.files;
    count();
  });
  form.addEventListener("htmx:xhr:progress", (ev) => {
    bar.hidden = false;
    if (ev.detail.lengthComputable) bar.value = (ev.detail.loaded / ev.detail.total) * 100;
  });
  form.addEventListener("htmx:afterRequest", () => { bar.value = 100; });
}

function wireAutosubmit() {
  document.querySelectorAll("form.autosubmit").forEach((f) =>
    f.addEventListener("change", () => f.submit()));
}

document.addEventListener("DOMContentLoaded", () => { drawCharts(); wireUpload(); wireAutosubmit(); });
