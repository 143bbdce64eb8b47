// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A page shown after filing clears the draft its form kept.
  var filed = document.body.getAttribute("data-clear-draft");
  if (filed) {
    try { window.localStorage.removeItem("pakn-draft:" + filed); } catch (e) { /* private mode */ }
  }

  var form = document.querySelector("form.case-form");
  if (!form) { return; }

  // What the resident types is kept in the browser until the case is filed: a failed
  // connection or a closed tab loses nothing.
  var key = "pakn-draft:" + window.location.pathname;
  var kept = ["text", "place", "name", "phone"];
  var saved = null;
  try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved) {
    kept.forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.value && saved[name]) { field.value = saved[name]; }
    });
  }
  form.addEventListener("input", function () {
    var draft = {};
    kept.forEach(function (name) {
      var field = form.elements[name];
      if (field) { draft[name] = field.value; }
    });
    try { window.localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full */ }
  });

  // The phone's position, only when the resident asks for it.
  var locate = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (locate && status && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = locate.getAttribute("data-wait");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(6);
          form.elements.lon.value = position.coords.longitude.toFixed(6);
          status.textContent = locate.getAttribute("data-done");
        },
        function () { status.textContent = locate.getAttribute("data-failed"); },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }
})();
