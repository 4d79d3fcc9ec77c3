// The little JavaScript htmx does not cover. Pages work without it.
(function () {
  "use strict";
  // Lets CSS hide buttons that only no-JavaScript visitors need.
  document.documentElement.classList.add("js");

  // Move focus to the main region after a skip-link jump in browsers that do not.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".skip-link");
    if (link) {
      var main = document.getElementById("main");
      if (main) { main.focus(); }
    }
  });

  // Forms marked data-confirm ask before a destructive POST.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
