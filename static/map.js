/* explainer: explore one node of a relationship drawing (the map, an entity's neighbourhood).
   Hovering or focusing a node highlights its ties and the entities at their other ends, fades
   the rest, and says in the figure's live region what it is tied to and why. Without this
   script the drawing is the same and every node is a link. */
(function () {
  "use strict";

  function labelOf(node) {
    var text = node.querySelector("text");
    if (!text) return "";
    var spans = text.querySelectorAll("tspan");
    if (!spans.length) return text.textContent;
    return Array.prototype.map.call(spans, function (s) { return s.textContent; }).join(" ");
  }

  function setup(svg) {
    var figure = svg.closest("figure");
    var status = figure && figure.querySelector("[data-graph-status]");
    var nodes = {}, ties = {};
    svg.querySelectorAll("[data-node]").forEach(function (node) {
      nodes[node.getAttribute("data-node")] = node;
      ties[node.getAttribute("data-node")] = [];
    });
    svg.querySelectorAll(".edge[data-a]").forEach(function (edge) {
      var a = edge.getAttribute("data-a"), b = edge.getAttribute("data-b");
      if (ties[a]) ties[a].push({ other: b, edge: edge });
      if (ties[b]) ties[b].push({ other: a, edge: edge });
    });
    var active = null, clearTimer = null;

    function clear() {
      svg.classList.remove("exploring");
      svg.querySelectorAll(".is-near, .is-active").forEach(function (el) {
        el.classList.remove("is-near", "is-active");
      });
      active = null;
    }

    function explore(id) {
      window.clearTimeout(clearTimer);
      if (active === id) return;
      clear();
      active = id;
      svg.classList.add("exploring");
      nodes[id].classList.add("is-active");
      var said = [];
      ties[id].forEach(function (tie) {
        tie.edge.classList.add("is-near");
        if (nodes[tie.other]) nodes[tie.other].classList.add("is-near");
        said.push(labelOf(nodes[tie.other]) + " (" + tie.edge.getAttribute("data-why") + ")");
      });
      if (status) {
        status.textContent = labelOf(nodes[id]) + (said.length
          ? ": tied here to " + said.length + (said.length === 1 ? " entity: " : " entities: ") + said.join("; ") + "."
          : ": no ties drawn here.");
      }
    }

    function later() {
      window.clearTimeout(clearTimer);
      clearTimer = window.setTimeout(clear, 120);
    }

    Object.keys(nodes).forEach(function (id) {
      var node = nodes[id];
      node.addEventListener("mouseenter", function () { explore(id); });
      node.addEventListener("mouseleave", later);
      node.addEventListener("focus", function () { explore(id); });
      node.addEventListener("blur", later);
    });
    svg.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && active) { clear(); if (status) status.textContent = ""; }
    });
  }

  function start() { document.querySelectorAll("svg.graph").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
