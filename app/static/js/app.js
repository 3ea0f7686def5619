// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submit, take keyboard and screen-reader focus to the list of problems.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});

// The ballot's running total: what the chosen projects cost and what is left (or how many are chosen).
// The server checks every ballot again; this only helps the voter see it before sending.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector(".ballot-form");
  var output = document.getElementById("ballot-total");
  if (!form || !output) {
    return;
  }
  var rule = form.dataset.rule;
  var locale = output.dataset.locale || "fi";
  var total = parseFloat(form.dataset.total);
  function fill(template, values) {
    return template.replace(/__(\w+)__/g, function (_match, name) { return values[name]; });
  }
  // Amounts as the server writes them beside each project (euros() in messages.py): "4 000 €", "1 234,50 €".
  var moneyTemplate = output.dataset.moneyTemplate || "__AMOUNT__ €";
  function money(value) {
    var cents = Math.round(value * 100);
    var digits = cents % 100 === 0 ? 0 : 2;
    var number = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    return fill(moneyTemplate, { AMOUNT: number.format(cents / 100) });
  }
  function update() {
    if (rule === "cumulative") {
      var points = 0;
      form.querySelectorAll(".points-input").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value) && value > 0) { points += value; }
      });
      output.textContent = fill(output.dataset.pointsTemplate, { COUNT: points, MAX: form.dataset.points });
      output.classList.toggle("is-over", points > parseInt(form.dataset.points, 10));
      return;
    }
    var chosen = form.querySelectorAll("input[name=project]:checked");
    if (rule === "approval_max_n") {
      output.textContent = fill(output.dataset.countTemplate, { COUNT: chosen.length, MAX: form.dataset.maxProjects });
      output.classList.toggle("is-over", chosen.length > parseInt(form.dataset.maxProjects, 10));
      return;
    }
    var cost = 0;
    chosen.forEach(function (input) { cost += parseFloat(input.dataset.cost); });
    var over = cost > total + 1e-9;
    output.textContent = over
      ? fill(output.dataset.overTemplate, { CHOSEN: money(cost), OVER: money(cost - total), TOTAL: money(total) })
      : fill(output.dataset.chosenTemplate, { CHOSEN: money(cost), TOTAL: money(total), LEFT: money(total - cost) });
    output.classList.toggle("is-over", over);
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
});
