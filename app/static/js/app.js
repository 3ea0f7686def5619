// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // After a failed submit, take keyboard and screen-reader focus to the list of problems.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
