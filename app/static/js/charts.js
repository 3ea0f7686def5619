// Draws the results page's charts with the locally served Plotly (static/vendor/plotly.min.js).
// Each chart has a table with the same numbers beside it, so the page is complete without this file.
(function () {
  "use strict";

  // Whatever the figure says, nothing is fetched from elsewhere and there is no mode bar with its logo.
  var SAFE_CONFIG = { responsive: true, displaylogo: false, displayModeBar: false, typesetMath: false, showLink: false };

  function draw() {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    document.querySelectorAll(".chart-plot[data-figure]").forEach(function (element) {
      var figure;
      try {
        figure = JSON.parse(element.dataset.figure);
      } catch (error) {
        return;
      }
      var config = Object.assign({}, figure.config || {}, SAFE_CONFIG);
      window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
        element.classList.add("is-drawn");
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
