// The little JavaScript htmx does not cover. Pages work without it.
(function () {
  "use strict";
  // Move focus to the main region after a skip-link jump in browsers that do not.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".skip-link");
    if (link) {
      var main = document.getElementById("main");
      if (main) { main.focus(); }
    }
  });
})();
